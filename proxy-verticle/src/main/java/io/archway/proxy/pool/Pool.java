package io.archway.proxy.pool;

import io.archway.core.config.PoolConfig;
import io.archway.core.config.TargetConfig;
import io.archway.core.health.HealthView;
import io.archway.core.health.TargetHealth;
import io.archway.core.metrics.MetricNames;
import io.archway.proxy.balance.RoundRobin;
import io.archway.proxy.tls.BackendTls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pool as one proxy verticle runs it. A config change builds a new one; connections already relayed
 * keep nothing of the old one, so the change only affects new connections.
 */
public final class Pool {

  private static final Duration[] CONNECT_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final PoolConfig config;
  private final HealthView health;
  private final Target[] targets;
  private final Timer connectTime;
  private final RoundRobin balance = new RoundRobin();
  private final BackendTls tls;
  private final RetryMeters retryMeters;

  /** {@code tls}: how to re-encrypt to the targets, {@code null} for plain TCP. */
  public Pool(PoolConfig config, BackendTls tls, HealthView health, MeterRegistry registry) {
    this.config = config;
    this.tls = tls;
    this.health = health;
    List<TargetConfig> list = config.targets();
    this.targets = new Target[list.size()];
    for (int i = 0; i < targets.length; i++) {
      Counter errors = Counter.builder(MetricNames.BACKEND_CONNECT_ERRORS)
          .description("Failed connection attempts to a target")
          .tags(MetricNames.TAG_POOL, config.name(), MetricNames.TAG_TARGET, list.get(i).address().toString())
          .register(registry);
      targets[i] = new Target(list.get(i), errors);
    }
    this.connectTime = Timer.builder(MetricNames.BACKEND_CONNECT)
        .description("Time to open a connection to a target, successful attempts only")
        .tags(MetricNames.TAG_POOL, config.name())
        .serviceLevelObjectives(CONNECT_BUCKETS)
        .register(registry);
    this.retryMeters = new RetryMeters(registry, config.name());
  }

  /** Counts retries and the clients they saved. */
  public RetryMeters retryMeters() {
    return retryMeters;
  }

  public PoolConfig config() {
    return config;
  }

  /** How to re-encrypt to the targets; {@code null} for plain TCP. */
  public BackendTls tls() {
    return tls;
  }

  public String name() {
    return config.name();
  }

  public Duration drainTimeout() {
    return config.drainTimeout();
  }

  /**
   * The next target round robin that is enabled, healthy in this node's view, and not among the first
   * {@code triedCount} entries of {@code tried}; -1 when none is left.
   */
  public int pick(int[] tried, int triedCount) {
    // Looked up per pick, not cached: the health verticle may replace a pool's map on a config change.
    Map<String, TargetHealth> states = health.pool(config.name());
    return balance.pick(targets.length, i -> {
      Target t = targets[i];
      return t.enabled() && states.get(t.key()) == TargetHealth.HEALTHY && !contains(tried, triedCount, i);
    });
  }

  /** Whether connections to {@code targetKey} should end: the pool no longer lists it, or drains it. */
  public boolean isLeaving(String targetKey) {
    for (Target t : targets) {
      if (t.key().equals(targetKey)) return t.draining();
    }
    return true;
  }

  public Target target(int index) {
    return targets[index];
  }

  public void connected(long nanos) {
    connectTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) return true;
    }
    return false;
  }
}
