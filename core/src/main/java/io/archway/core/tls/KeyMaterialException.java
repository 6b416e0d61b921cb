package io.archway.core.tls;

/**
 * Key material that cannot be used, with a message an operator can act on (which file, what is wrong).
 * Carries no stack trace: it is an outcome of reading a file, not a bug.
 */
public final class KeyMaterialException extends Exception {

  /** The key of the certificate entry at fault: {@code cert}, {@code key}, {@code ca}, {@code pkcs12} or {@code password}. */
  private final String key;

  public KeyMaterialException(String key, String message) {
    super(message, null, false, false);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
