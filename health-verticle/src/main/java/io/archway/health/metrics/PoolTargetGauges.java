package io.archway.health.metrics;

import io.archway.core.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gauges {@code archway_pool_targets{pool,state}} with states healthy, unhealthy and disabled.
 * A pool's gauges leave the registry with the pool, so a removed pool does not linger in scrapes.
 * Written from one thread; read by scrapes from any thread.
 */
public final class PoolTargetGauges {

  public static final String HEALTHY = "healthy";
  public static final String UNHEALTHY = "unhealthy";
  public static final String DISABLED = "disabled";

  private final MeterRegistry registry;
  private final Map<String, PoolGauges> pools = new HashMap<>();

  public PoolTargetGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Sets a pool's counts, registering its gauges on first use. */
  public void set(String pool, int healthy, int unhealthy, int disabled) {
    PoolGauges gauges = pools.computeIfAbsent(pool, this::register);
    gauges.healthy.set(healthy);
    gauges.unhealthy.set(unhealthy);
    gauges.disabled.set(disabled);
  }

  /** Removes the gauges of every pool not in {@code keep}. */
  public void retain(Set<String> keep) {
    pools.entrySet().removeIf(entry -> {
      if (keep.contains(entry.getKey())) return false;
      entry.getValue().meters.forEach(registry::remove);
      return true;
    });
  }

  /** Removes every gauge this instance registered. */
  public void close() {
    retain(Set.of());
  }

  private PoolGauges register(String pool) {
    AtomicInteger healthy = new AtomicInteger();
    AtomicInteger unhealthy = new AtomicInteger();
    AtomicInteger disabled = new AtomicInteger();
    List<Meter> meters = List.of(
        gauge(pool, HEALTHY, healthy), gauge(pool, UNHEALTHY, unhealthy), gauge(pool, DISABLED, disabled));
    return new PoolGauges(healthy, unhealthy, disabled, meters);
  }

  private Meter gauge(String pool, String state, AtomicInteger value) {
    // A registry hands back an existing gauge with the same name and tags, still bound to its old value
    // (a verticle of this node deployed before): drop it, so that these counts are the ones scraped.
    registry.find(MetricNames.POOL_TARGETS)
        .tags(MetricNames.TAG_POOL, pool, MetricNames.TAG_STATE, state)
        .meters()
        .forEach(registry::remove);
    return Gauge.builder(MetricNames.POOL_TARGETS, value, AtomicInteger::get)
        .description("Targets of a pool by state, as this node sees them")
        .tag(MetricNames.TAG_POOL, pool)
        .tag(MetricNames.TAG_STATE, state)
        .strongReference(true)
        .register(registry);
  }

  private record PoolGauges(AtomicInteger healthy, AtomicInteger unhealthy, AtomicInteger disabled, List<Meter> meters) {}
}
