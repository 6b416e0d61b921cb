package io.archway.core.config;

import java.time.Duration;

/**
 * The active health check of a pool's targets and the thresholds that flip their state; {@code http}
 * holds what an {@code http} probe asks and expects (its defaults for other types, where it is unused).
 */
public record ProbeConfig(
    ProbeType type, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold,
    ProbeHttpConfig http) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
  public static final int DEFAULT_HEALTHY_THRESHOLD = 2;

  /** A probe of a type other than {@code http}. */
  public ProbeConfig(ProbeType type, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold) {
    this(type, interval, timeout, unhealthyThreshold, healthyThreshold, ProbeHttpConfig.defaults());
  }

  public static ProbeConfig defaults() {
    return new ProbeConfig(
        ProbeType.TCP, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_UNHEALTHY_THRESHOLD, DEFAULT_HEALTHY_THRESHOLD);
  }
}
