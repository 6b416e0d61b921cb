package io.archway.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A set of backend targets, how to pick one, and the timeouts of connections to them. */
public record PoolConfig(
    String name,
    PoolProtocol protocol,
    Balance balance,
    Duration connectTimeout,
    Duration idleTimeout,
    Duration drainTimeout,
    int retries,
    Optional<PoolTlsConfig> tls,
    List<TargetConfig> targets,
    ProbeConfig probe,
    PoolHttpConfig http,
    PoolTraffic traffic) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(4);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration MAX_DRAIN_TIMEOUT = Duration.ofHours(1);
  public static final int DEFAULT_RETRIES = 2;

  public PoolConfig {
    targets = List.copyOf(targets);
  }
}
