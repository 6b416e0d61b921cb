package io.archway.health.metrics;

import io.archway.core.metrics.MetricNames;
import io.archway.health.probe.ProbeOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code archway_probe_results_total{pool,target,result}} and the histogram
 * {@code archway_probe_duration_seconds{pool,target}}. A target's meters leave the registry when it is
 * no longer probed, so a removed target does not linger in scrapes. Written from one thread.
 */
public final class ProbeMeters {

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  /** pool -> target -> its meters. */
  private final Map<String, Map<String, TargetMeters>> pools = new HashMap<>();

  public ProbeMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one probe of {@code target} in {@code pool} that took {@code nanos}. */
  public void record(String pool, String target, ProbeOutcome outcome, long nanos) {
    TargetMeters meters = pools.computeIfAbsent(pool, p -> new HashMap<>())
        .computeIfAbsent(target, t -> new TargetMeters(pool, t));
    meters.results.get(outcome).increment();
    meters.duration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Removes the meters of every target not listed in {@code probed} (pool -> targets). */
  public void retain(Map<String, Set<String>> probed) {
    pools.entrySet().removeIf(pool -> {
      Set<String> keep = probed.getOrDefault(pool.getKey(), Set.of());
      pool.getValue().entrySet().removeIf(target -> {
        if (keep.contains(target.getKey())) return false;
        target.getValue().all.forEach(registry::remove);
        return true;
      });
      return pool.getValue().isEmpty();
    });
  }

  /** Removes every meter this instance registered. */
  public void close() {
    retain(Map.of());
  }

  private final class TargetMeters {
    final Map<ProbeOutcome, Counter> results = new EnumMap<>(ProbeOutcome.class);
    final Timer duration;
    final List<Meter> all = new ArrayList<>();

    TargetMeters(String pool, String target) {
      for (ProbeOutcome outcome : ProbeOutcome.values()) {
        Counter c = Counter.builder(MetricNames.PROBE_RESULTS)
            .description("Health probe results")
            .tags(MetricNames.TAG_POOL, pool, MetricNames.TAG_TARGET, target, MetricNames.TAG_RESULT, outcome.label())
            .register(registry);
        results.put(outcome, c);
        all.add(c);
      }
      duration = Timer.builder(MetricNames.PROBE_DURATION)
          .description("Time each health probe took, whatever its result")
          .tags(MetricNames.TAG_POOL, pool, MetricNames.TAG_TARGET, target)
          .serviceLevelObjectives(BUCKETS)
          .register(registry);
      all.add(duration);
    }
  }
}
