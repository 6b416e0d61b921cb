package io.archway.proxy.admission;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one listener's limits count on this node, shared by the node's proxy verticles (a Vert.x local
 * map, one per node): its open connections, and per client address its open connections and its
 * token bucket. A client's entry exists only while it has a connection open or a bucket not yet full
 * again, and the table never holds more than {@link #MAX_CLIENTS} entries (by default), so a flood of addresses
 * (spoofed through PROXY headers, say) cannot grow memory without bound.
 */
final class AdmissionState implements Shareable {

  /** Clients tracked at once per listener and node; a new client beyond that is refused ({@code limit}). */
  static final int MAX_CLIENTS = Integer.getInteger("archway.admission.maxClients", 100_000);
  private static final String LOCAL_MAP = "archway.proxy.admission";
  private static final long SWEEP_NANOS = 1_000_000_000L;

  final int maxClients;
  final AtomicInteger open = new AtomicInteger();
  final ConcurrentMap<InetAddress, Client> clients = new ConcurrentHashMap<>();
  private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

  /** The state of listener {@code name} on the node of {@code vertx}; it survives config changes. */
  static AdmissionState of(Vertx vertx, String name) {
    var map = vertx.sharedData().<String, AdmissionState>getLocalMap(LOCAL_MAP);
    AdmissionState fresh = new AdmissionState(MAX_CLIENTS);
    AdmissionState existing = map.putIfAbsent(name, fresh);
    return existing == null ? fresh : existing;
  }

  AdmissionState(int maxClients) {
    this.maxClients = maxClients;
  }

  /**
   * Removes idle entries (no connection open, the bucket full again) at most once a second, or at once
   * when the table is full.
   */
  void sweep(long now, int ratePerSecond, int burst) {
    long last = lastSweep.get();
    if (now - last < SWEEP_NANOS && clients.size() < maxClients) return;
    if (!lastSweep.compareAndSet(last, now)) return;
    clients.values().removeIf(c -> c.idle(now, ratePerSecond, burst));
  }

  /** One client address: its open connections and its token bucket, guarded by its own lock. */
  static final class Client {
    int open;
    double tokens;
    long stamp;
    boolean removed;

    Client(double tokens, long stamp) {
      this.tokens = tokens;
      this.stamp = stamp;
    }

    synchronized boolean idle(long now, int ratePerSecond, int burst) {
      boolean full = ratePerSecond <= 0 || tokens + (now - stamp) / 1e9 * ratePerSecond >= burst;
      if (open == 0 && full) removed = true;
      return removed;
    }
  }
}
