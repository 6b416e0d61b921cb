package io.archway.health.probe;

import io.archway.core.health.TargetHealth;

/**
 * Turns a target's probe results into its health. A target starts unhealthy and turns healthy on its
 * first success, so a new target serves as soon as it answers; once it has been healthy,
 * {@code unhealthyThreshold} consecutive failures take it out and {@code healthyThreshold} consecutive
 * successes bring it back, so one lost probe does not flap it.
 */
public final class ThresholdTracker {

  private int unhealthyThreshold;
  private int healthyThreshold;
  private TargetHealth health = TargetHealth.UNHEALTHY;
  private boolean everHealthy;
  private int successes;
  private int failures;

  public ThresholdTracker(int unhealthyThreshold, int healthyThreshold) {
    thresholds(unhealthyThreshold, healthyThreshold);
  }

  /** Changes the thresholds and keeps the current health and streaks (a config change is no probe result). */
  public void thresholds(int unhealthyThreshold, int healthyThreshold) {
    if (unhealthyThreshold < 1 || healthyThreshold < 1) {
      throw new IllegalArgumentException(
          "thresholds must be at least 1 (unhealthy " + unhealthyThreshold + ", healthy " + healthyThreshold + ")");
    }
    this.unhealthyThreshold = unhealthyThreshold;
    this.healthyThreshold = healthyThreshold;
  }

  public TargetHealth health() {
    return health;
  }

  /** How many probes in a row ended like the last one. */
  public int streak() {
    return successes > 0 ? successes : failures;
  }

  /** Records one probe result; returns the new health when this result changes it, else {@code null}. */
  public TargetHealth record(boolean success) {
    if (success) {
      successes++;
      failures = 0;
      if (health == TargetHealth.UNHEALTHY && (!everHealthy || successes >= healthyThreshold)) {
        everHealthy = true;
        return health = TargetHealth.HEALTHY;
      }
    } else {
      failures++;
      successes = 0;
      if (health == TargetHealth.HEALTHY && failures >= unhealthyThreshold) {
        return health = TargetHealth.UNHEALTHY;
      }
    }
    return null;
  }
}
