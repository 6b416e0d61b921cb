package io.archway.proxy.listener;

import io.archway.core.metrics.MetricNames;
import io.archway.proxy.relay.Relay;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections of one listener that run under a drain deadline, as a long task timer per listener
 * and kind ({@code listener}: the listener stopped accepting; {@code target}: the connection's target
 * drains or left its pool): how many now, and for how long. Confined to the listener's context; the
 * timers are shared by the node's verticles through the registry.
 */
final class Drains {

  static final String LISTENER = "listener";
  static final String TARGET = "target";

  private final MeterRegistry registry;
  private final Map<Relay, LongTaskTimer.Sample> stopping = new HashMap<>();
  private final Map<Relay, LongTaskTimer.Sample> targets = new HashMap<>();

  Drains(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The listener stopped accepting: every connection still open drains. */
  void listenerStopping(String listener, Collection<Relay> open) {
    LongTaskTimer timer = timer(listener, LISTENER);
    for (Relay relay : open) stopping.computeIfAbsent(relay, r -> timer.start());
  }

  /** A connection's target started draining ({@code true}) or is enabled again ({@code false}). */
  void target(String listener, Relay relay, boolean draining) {
    if (draining) {
      targets.computeIfAbsent(relay, r -> timer(listener, TARGET).start());
    } else {
      end(targets.remove(relay));
    }
  }

  /** The connection ended: it no longer drains. */
  void finished(Relay relay) {
    end(stopping.remove(relay));
    end(targets.remove(relay));
  }

  private LongTaskTimer timer(String listener, String kind) {
    return LongTaskTimer.builder(MetricNames.DRAINING_CONNECTIONS)
        .description("Connections open under a drain deadline (count: how many now)")
        .tags(MetricNames.TAG_LISTENER, listener, MetricNames.TAG_KIND, kind)
        .register(registry);
  }

  private static void end(LongTaskTimer.Sample sample) {
    if (sample != null) sample.stop();
  }
}
