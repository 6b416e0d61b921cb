package io.archway.core.config;

import java.time.Duration;

/** The active health check of a pool's targets and the thresholds that flip their state. */
public record ProbeConfig(
    ProbeType type, Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
  public static final int DEFAULT_HEALTHY_THRESHOLD = 2;

  public static ProbeConfig defaults() {
    return new ProbeConfig(
        ProbeType.TCP, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_UNHEALTHY_THRESHOLD, DEFAULT_HEALTHY_THRESHOLD);
  }
}
