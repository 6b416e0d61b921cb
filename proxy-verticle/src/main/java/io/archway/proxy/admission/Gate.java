package io.archway.proxy.admission;

import io.archway.core.config.Cidr;
import io.archway.core.config.ListenerPolicy;
import io.archway.proxy.relay.Termination;
import io.archway.core.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Lets a listener's clients in or refuses them, before any TLS or backend work: the access lists
 * first ({@code deny} wins over {@code allow}), then {@code maxConnections}, then the client's
 * {@code maxConnectionsPerClient} and its token bucket ({@code clientRate}). Counts are per node,
 * shared by its event loops; each admitted connection holds a {@link Ticket} until it closes.
 */
public final class Gate {

  /** An admitted connection's place in the counts; {@link #release()} once, when it closes. */
  public interface Ticket {
    void release();
  }

  /** Beyond the contract: {@code archway_listener_clients_tracked{listener}}. */
  public static final String TRACKED_CLIENTS = "archway.listener.clients.tracked";

  private final ListenerPolicy policy;
  private final AdmissionState state;
  private final boolean perClient;

  Gate(ListenerPolicy policy, AdmissionState state) {
    this.policy = policy;
    this.state = state;
    this.perClient = policy.maxConnectionsPerClient() > 0 || policy.clientRatePerSecond() > 0;
  }

  /**
   * The gate of listener {@code name} with {@code policy}, or null when the policy admits everyone.
   * Registers the gauge {@value #TRACKED_CLIENTS} of the listener's per-client table once per node.
   */
  public static Gate of(Vertx vertx, String name, ListenerPolicy policy, MeterRegistry registry) {
    if (!policy.admits()) return null;
    AdmissionState state = AdmissionState.of(vertx, name);
    synchronized (registry) {
      if (registry.find(TRACKED_CLIENTS).tag(MetricNames.TAG_LISTENER, name).gauge() == null) {
        Gauge.builder(TRACKED_CLIENTS, state, s -> s.clients.size())
            .description("Client addresses a listener's per-client limits track now on this node")
            .tag(MetricNames.TAG_LISTENER, name)
            .strongReference(true)
            .register(registry);
      }
    }
    return new Gate(policy, state);
  }

  /**
   * A ticket for a client at {@code client}, or the termination it is refused with: the access lists
   * first, then {@code maxConnections}, then the per-client limits. Safe from any event loop.
   */
  public Admission admit(SocketAddress client) {
    if (!allowed(ip(client))) return Admission.refused(Termination.ACCESS_DENIED);
    Admission connection = admitConnection();
    if (!connection.isAdmitted()) return connection;
    Admission byClient = admitClient(client);
    if (!byClient.isAdmitted()) {
      connection.ticket().release();
      return byClient;
    }
    return Admission.admitted(() -> {
      byClient.ticket().release();
      connection.ticket().release();
    });
  }

  /**
   * {@code maxConnections} alone, for a connection whose client is not known yet (its PROXY header
   * has not arrived), so that connections waiting for their header count against the limit too.
   */
  public Admission admitConnection() {
    int max = policy.maxConnections();
    if (state.open.incrementAndGet() > max && max > 0) {
      state.open.decrementAndGet();
      return Admission.refused(Termination.LIMIT);
    }
    return Admission.admitted(state.open::decrementAndGet);
  }

  /** The access lists and the per-client limits for a client at {@code client}. */
  public Admission admitClient(SocketAddress client) {
    InetAddress ip = ip(client);
    if (!allowed(ip)) return Admission.refused(Termination.ACCESS_DENIED);
    if (!perClient || ip == null) return Admission.admitted(() -> {});
    Ticket ticket = admitClientLimits(ip);
    return ticket == null ? Admission.refused(Termination.LIMIT) : Admission.admitted(ticket);
  }

  /** Clients with an entry in the per-client table now (for the gauge and tests). */
  public int trackedClients() {
    return state.clients.size();
  }

  /** Open connections this listener admitted on this node. */
  public int open() {
    return state.open.get();
  }

  private static InetAddress ip(SocketAddress client) {
    return client instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  private boolean allowed(InetAddress ip) {
    if (ip == null) return policy.allow().isEmpty();
    byte[] bytes = ip.getAddress();
    for (Cidr c : policy.deny()) {
      if (c.contains(bytes)) return false;
    }
    if (policy.allow().isEmpty()) return true;
    for (Cidr c : policy.allow()) {
      if (c.contains(bytes)) return true;
    }
    return false;
  }

  private Ticket admitClientLimits(InetAddress ip) {
    long now = System.nanoTime();
    int rate = policy.clientRatePerSecond();
    int burst = policy.clientBurst();
    state.sweep(now, rate, burst);
    while (true) {
      AdmissionState.Client c = state.clients.get(ip);
      if (c == null) {
        if (state.clients.size() >= state.maxClients) return null;
        c = new AdmissionState.Client(rate > 0 ? burst : 0, now);
        AdmissionState.Client raced = state.clients.putIfAbsent(ip, c);
        if (raced != null) c = raced;
      }
      synchronized (c) {
        // Swept away between the lookup and the lock: start again with a fresh entry.
        if (c.removed) continue;
        if (policy.maxConnectionsPerClient() > 0 && c.open >= policy.maxConnectionsPerClient()) return null;
        if (rate > 0) {
          c.tokens = Math.min(burst, c.tokens + (now - c.stamp) / 1e9 * rate);
          c.stamp = now;
          if (c.tokens < 1) return null;
          c.tokens -= 1;
        }
        c.open++;
        AdmissionState.Client held = c;
        return () -> {
          synchronized (held) {
            held.open--;
          }
        };
      }
    }
  }

  /** The outcome of one {@link #admit}: a ticket, or the termination of a refused client. */
  public record Admission(Ticket ticket, Termination refusal) {
    static Admission admitted(Ticket ticket) {
      return new Admission(ticket, null);
    }

    static Admission refused(Termination why) {
      return new Admission(null, why);
    }

    public boolean isAdmitted() {
      return ticket != null;
    }
  }
}
