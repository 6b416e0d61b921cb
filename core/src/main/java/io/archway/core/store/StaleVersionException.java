package io.archway.core.store;

/** A write expected one config version and found another: someone else wrote first. */
public final class StaleVersionException extends RuntimeException {

  private final long currentVersion;

  public StaleVersionException(long expected, long currentVersion) {
    super("expected config version " + expected + " but the cluster is at " + currentVersion);
    this.currentVersion = currentVersion;
  }

  public long currentVersion() {
    return currentVersion;
  }
}
