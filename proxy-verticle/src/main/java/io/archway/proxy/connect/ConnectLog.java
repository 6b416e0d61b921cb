package io.archway.proxy.connect;

import io.archway.core.log.RateLimitedLog;

/**
 * One warning line for a failed connect to a target (TCP, TLS or HTTP pools alike), naming the pool,
 * the target and the cause, at most one per 10 s for the whole node: a target that refuses thousands
 * of clients a second says so once, with a count of the lines left out. The access log still records
 * every client that was turned away ({@code connect_failed}).
 */
public final class ConnectLog {

  private static final RateLimitedLog LOG = new RateLimitedLog(ConnectLog.class.getName(), 10_000);

  private ConnectLog() {}

  public static void failed(String pool, String target, Throwable cause) {
    LOG.log(() -> "pool '" + pool + "' target " + target + ": connect failed: " + describe(cause));
  }

  /** An HTTP request that failed on a connection to the target before its response began. */
  public static void requestFailed(String pool, String target, Throwable cause) {
    LOG.log(() -> "pool '" + pool + "' target " + target + ": request failed before a response: " + describe(cause));
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + message;
  }
}
