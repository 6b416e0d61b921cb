package io.archway.proxy.pool;

import io.archway.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The retry counters of one pool: attempts on another target after a failed connect, and clients that a
 * retry saved (connected to a target other than the first one picked). Shared by the node's verticles
 * through the registry.
 */
public final class RetryMeters {

  private final Counter retries;
  private final Counter redispatches;

  RetryMeters(MeterRegistry registry, String pool) {
    this.retries = Counter.builder(MetricNames.BACKEND_RETRIES)
        .description("Connect attempts to another target after a failed one")
        .tag(MetricNames.TAG_POOL, pool)
        .register(registry);
    this.redispatches = Counter.builder(MetricNames.BACKEND_REDISPATCHES)
        .description("Clients connected to a target other than the first one picked")
        .tag(MetricNames.TAG_POOL, pool)
        .register(registry);
  }

  /** One more attempt, on another target, after a failed one. */
  public void retried() {
    retries.increment();
  }

  /** A client connected after at least one failed attempt. */
  public void redispatched() {
    redispatches.increment();
  }
}
