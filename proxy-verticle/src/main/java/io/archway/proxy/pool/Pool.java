package io.archway.proxy.pool;

import io.archway.core.config.HostPort;
import io.archway.core.config.PassiveHealth;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.TargetConfig;
import io.archway.core.health.HealthView;
import io.archway.core.health.TargetHealth;
import io.archway.core.metrics.MetricNames;
import io.archway.proxy.balance.Balancer;
import io.archway.proxy.balance.Candidates;
import io.archway.proxy.tls.BackendTls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
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
  private final Balancer balancer;
  private final Map<String, List<String>> resolved;
  private final Candidates candidates = new Candidates() {
    @Override
    public int size() {
      return targets.length;
    }

    @Override
    public int weight(int index) {
      return targets[index].weight();
    }

    @Override
    public int active(int index) {
      return targets[index].active();
    }

    @Override
    public String key(int index) {
      return targets[index].id();
    }
  };
  private final BackendTls tls;
  private final RetryMeters retryMeters;

  /**
   * {@code tls}: how to re-encrypt to the targets, {@code null} for plain TCP; {@code active}: the node's
   * connection counts, shared by its proxy verticles.
   */
  public Pool(PoolConfig config, BackendTls tls, HealthView health, MeterRegistry registry, ActiveConnections active) {
    this(config, tls, health, registry, active, Map.of());
  }

  /**
   * As above; {@code resolved}: the addresses of DNS names among the targets (by name), each of which
   * becomes a target of its own; a name not in it is a single target resolved at each connect.
   */
  public Pool(PoolConfig config, BackendTls tls, HealthView health, MeterRegistry registry, ActiveConnections active,
      Map<String, List<String>> resolved) {
    this.config = config;
    this.tls = tls;
    this.health = health;
    this.resolved = Map.copyOf(resolved);
    PassiveHealth passive = config.traffic().passiveHealth().orElse(null);
    List<Target> list = new ArrayList<>();
    for (TargetConfig tc : config.targets()) {
      Counter errors = Counter.builder(MetricNames.BACKEND_CONNECT_ERRORS)
          .description("Failed connection attempts to a target")
          .tags(MetricNames.TAG_POOL, config.name(), MetricNames.TAG_TARGET, tc.address().toString())
          .register(registry);
      List<String> ips = resolved.get(tc.address().host());
      if (ips == null || ips.isEmpty()) {
        list.add(new Target(tc, null, config.name(), passive, errors, active.of(config.name(), tc.address().toString())));
      } else {
        for (String ip : ips) {
          String id = new HostPort(ip, tc.address().port()).toString();
          list.add(new Target(tc, ip, config.name(), passive, errors, active.of(config.name(), id)));
        }
      }
    }
    this.targets = list.toArray(new Target[0]);
    this.connectTime = Timer.builder(MetricNames.BACKEND_CONNECT)
        .description("Time to open a connection to a target, successful attempts only")
        .tags(MetricNames.TAG_POOL, config.name())
        .serviceLevelObjectives(CONNECT_BUCKETS)
        .register(registry);
    this.retryMeters = new RetryMeters(registry, config.name());
    this.balancer = switch (config.balance()) {
      case ROUND_ROBIN, WEIGHTED_ROUND_ROBIN -> active.turns(config.name(), config.balance() + " " + targetList(),
          () -> Balancer.of(config.balance(), candidates));
      default -> Balancer.of(config.balance(), candidates);
    };
  }

  /** The targets in order, with their weights: what a shared balancer's turn is kept for. */
  private String targetList() {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < candidates.size(); i++) list.append(candidates.key(i)).append('*').append(candidates.weight(i)).append(' ');
    return list.toString();
  }

  /** Counts retries and the clients they saved. */
  public RetryMeters retryMeters() {
    return retryMeters;
  }

  public PoolConfig config() {
    return config;
  }

  /** The DNS names' addresses this pool was built with. */
  public Map<String, List<String>> resolved() {
    return resolved;
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
   * The target the pool's balancer picks for a client at {@code client} (IP address bytes; may be null
   * when unknown) among those that are enabled, healthy in this node's view, not kept out by passive
   * health, and not among the first
   * {@code triedCount} entries of {@code tried}; -1 when none is left.
   */
  public int pick(int[] tried, int triedCount, byte[] client) {
    // Looked up per pick, not cached: the health verticle may replace a pool's map on a config change.
    Map<String, TargetHealth> states = health.pool(config.name());
    return balancer.pick(candidates, i -> {
      Target t = targets[i];
      return t.enabled() && states.get(t.key()) == TargetHealth.HEALTHY && t.available()
          && !contains(tried, triedCount, i);
    }, client);
  }

  /** Whether connections to {@code targetKey} should end: the pool no longer lists it, or drains it. */
  public boolean isLeaving(String targetKey) {
    for (Target t : targets) {
      if (t.key().equals(targetKey)) return t.draining();
    }
    return true;
  }

  public int size() {
    return targets.length;
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
