package io.archway.proxy.listener;

import io.archway.core.metrics.MetricNames;
import io.archway.proxy.relay.Termination;
import io.archway.proxy.tls.HandshakeFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The meters of one listener, resolved once per listener config (not per connection). Several proxy
 * verticles share each meter: the registry hands every one of them the same counter for a name.
 */
public final class ListenerMeters {

  /**
   * Connections finished, by termination (beyond the contract). The active gauge is accepted minus
   * finished, so that it needs no state shared between verticles other than the registry.
   */
  public static final String CLOSED = "archway.listener.connections.closed";
  public static final String TAG_TERMINATION = "termination";

  private static final String BYTES_HELP = "Bytes from clients (direction in) and to clients (direction out)";

  private final MeterRegistry registry;
  private final String listener;
  private final Counter accepted;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Map<Termination, Counter> closed = new EnumMap<>(Termination.class);
  private final Map<Termination, Counter> rejected = new EnumMap<>(Termination.class);
  private final Map<HandshakeFailure, Counter> handshakeFailures = new EnumMap<>(HandshakeFailure.class);
  private Counter handshakesOk;
  private Counter handshakesFailed;

  public ListenerMeters(MeterRegistry registry, String listener) {
    this.registry = registry;
    this.listener = listener;
    this.accepted = Counter.builder(MetricNames.LISTENER_CONNECTIONS)
        .description("Client connections accepted")
        .tag(MetricNames.TAG_LISTENER, listener)
        .register(registry);
    // One description for both: Prometheus shows one HELP line per metric name.
    this.bytesIn = bytes("in", BYTES_HELP);
    this.bytesOut = bytes("out", BYTES_HELP);
    for (Termination t : Termination.values()) {
      if (t.rejection()) rejected(t);
    }
    // The verticles of a node register this gauge concurrently; the first one wins, the rest would warn.
    synchronized (registry) {
      if (registry.find(MetricNames.LISTENER_CONNECTIONS_ACTIVE).tag(MetricNames.TAG_LISTENER, listener).gauge() == null) {
        Gauge.builder(MetricNames.LISTENER_CONNECTIONS_ACTIVE, registry, r -> active(r, listener))
            .description("Client connections open now")
            .tag(MetricNames.TAG_LISTENER, listener)
            .strongReference(true)
            .register(registry);
      }
    }
  }

  public void accepted() {
    accepted.increment();
  }

  public void finished(Termination why) {
    closed.computeIfAbsent(why, t -> Counter.builder(CLOSED)
        .description("Client connections finished, by termination")
        .tags(MetricNames.TAG_LISTENER, listener, TAG_TERMINATION, t.keyword())
        .register(registry)).increment();
    if (why.rejection()) rejected(why).increment();
  }

  /**
   * Counts a refusal that does not end a connection by itself (an HTTP request answered 400, say): the
   * rejected counter only, so that the active gauge still follows the connection's own close.
   */
  public void refused(Termination why) {
    rejected(why).increment();
  }

  /**
   * Counts a client's TLS handshake (passthrough: its ClientHello): {@code failure} null when it
   * succeeded. Registered on the first handshake, so plain TCP listeners carry no TLS series.
   */
  public void handshake(Throwable failure) {
    if (handshakesOk == null) {
      handshakesOk = handshakes("ok");
      handshakesFailed = handshakes("failed");
    }
    if (failure == null) {
      handshakesOk.increment();
      return;
    }
    handshakesFailed.increment();
    handshakeFailures.computeIfAbsent(HandshakeFailure.of(failure), f -> Counter.builder(MetricNames.TLS_HANDSHAKE_FAILURES)
        .description("Failed client TLS handshakes, by reason")
        .tags(MetricNames.TAG_LISTENER, listener, MetricNames.TAG_REASON, f.label())
        .register(registry)).increment();
  }

  private Counter handshakes(String result) {
    return Counter.builder(MetricNames.TLS_HANDSHAKES)
        .description("Client TLS handshakes (passthrough: ClientHellos read), by result")
        .tags(MetricNames.TAG_LISTENER, listener, MetricNames.TAG_RESULT, result)
        .register(registry);
  }

  public Counter bytesIn() {
    return bytesIn;
  }

  public Counter bytesOut() {
    return bytesOut;
  }

  public String listener() {
    return listener;
  }

  private Counter rejected(Termination why) {
    return rejected.computeIfAbsent(why, t -> Counter.builder(MetricNames.LISTENER_REJECTED)
        .description("Client connections closed without being relayed")
        .tags(MetricNames.TAG_LISTENER, listener, MetricNames.TAG_REASON, t.reason())
        .register(registry));
  }

  private Counter bytes(String direction, String description) {
    return Counter.builder(MetricNames.LISTENER_BYTES)
        .description(description)
        .tags(MetricNames.TAG_LISTENER, listener, MetricNames.TAG_DIRECTION, direction)
        .register(registry);
  }

  private static double active(MeterRegistry registry, String listener) {
    Counter accepted = registry.find(MetricNames.LISTENER_CONNECTIONS).tag(MetricNames.TAG_LISTENER, listener).counter();
    if (accepted == null) return 0;
    double finished = 0;
    for (Counter c : registry.find(CLOSED).tag(MetricNames.TAG_LISTENER, listener).counters()) finished += c.count();
    return accepted.count() - finished;
  }
}
