package io.archway.core.node;

/**
 * Where this node is in its life (starting, ready, draining) and which config version it applied;
 * read by the admin API for {@code /readyz} and {@code /api/cluster}.
 */
public final class NodeStatus {

  /** The phases of a node's life, in order. */
  public enum Phase { STARTING, READY, DRAINING }

  private volatile Phase phase = Phase.STARTING;
  private volatile long appliedVersion;
  private volatile String lastError;

  public Phase phase() {
    return phase;
  }

  public boolean ready() {
    return phase == Phase.READY;
  }

  public long appliedVersion() {
    return appliedVersion;
  }

  /** The reason the last config apply failed on this node, or {@code null}. */
  public String lastError() {
    return lastError;
  }

  public void applied(long version) {
    appliedVersion = version;
    lastError = null;
    if (phase == Phase.STARTING) phase = Phase.READY;
  }

  public void applyFailed(long version, String reason) {
    lastError = "version " + version + ": " + reason;
  }

  public void draining() {
    phase = Phase.DRAINING;
  }
}
