package io.archway.core.node;

/**
 * Whether a failure was this process running out of file descriptors (EMFILE, or ENFILE for the whole
 * system) rather than anything a target did. Such a failure says nothing about the target: probes do
 * not count it against the target, and the proxy does not retry other targets (they would fail the
 * same way) nor mark the target down.
 */
public final class FileLimit {

  private FileLimit() {}

  /** True when {@code failure} or one of its causes is "Too many open files" (Netty, NIO or the JDK). */
  public static boolean exhausted(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.contains("Too many open files")) return true;
    }
    return false;
  }
}
