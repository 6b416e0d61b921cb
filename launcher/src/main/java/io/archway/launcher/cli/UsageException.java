package io.archway.launcher.cli;

/** A command line the launcher cannot act on; the message names the option and the fix. */
public final class UsageException extends RuntimeException {

  public UsageException(String message) {
    super(message);
  }
}
