package io.archway.core.health;

/** What the probes of one node say of a target. */
public enum TargetHealth {
  /** Not probed successfully yet, or failed its unhealthy threshold: gets no new connections. */
  UNHEALTHY("unhealthy"),
  HEALTHY("healthy");

  private final String keyword;

  TargetHealth(String keyword) {
    this.keyword = keyword;
  }

  public String keyword() {
    return keyword;
  }
}
