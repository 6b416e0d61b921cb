package io.archway.proxy.pool;

import io.archway.proxy.balance.Balancer;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Connections open (or being opened) to each target of each pool on this node, and its passive health
 * state, shared by all the node's proxy verticles: least-connections and random-two compare what the
 * whole node sends to a target, not what one event loop does, and a target that failed on one event
 * loop is out on all. Keyed by pool name and target address, so a count outlives the rebuild of its
 * pool by a config change, and connections opened before the change still count.
 */
public final class ActiveConnections implements Shareable {

  private static final String LOCAL_MAP = "archway.proxy.activeConnections";

  private final ConcurrentMap<String, TargetCounters> counts = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Turns> turns = new ConcurrentHashMap<>();

  /** A pool's node-wide balancer and the targets (keys and weights, in order) it was made for. */
  private record Turns(String targets, Balancer balancer) {}

  /** The counts of the node that {@code vertx} runs (one Vert.x per node). */
  public static ActiveConnections of(Vertx vertx) {
    var map = vertx.sharedData().<String, ActiveConnections>getLocalMap(LOCAL_MAP);
    ActiveConnections fresh = new ActiveConnections();
    ActiveConnections existing = map.putIfAbsent("node", fresh);
    return existing == null ? fresh : existing;
  }

  /**
   * The one balancer of pool {@code pool} on this node for as long as its targets stay {@code targets}
   * (a pool rebuilt with the same targets keeps its turn): {@code round-robin} and
   * {@code weighted-round-robin} take turns node-wide, not per event loop, so that consecutive clients
   * go to the targets in turn whichever event loop accepted them.
   */
  Balancer turns(String pool, String targets, Supplier<Balancer> make) {
    return this.turns.compute(pool, (k, old) -> old != null && old.targets().equals(targets) ? old
        : new Turns(targets, make.get())).balancer();
  }

  TargetCounters of(String pool, String target) {
    return counts.computeIfAbsent(pool + "|" + target, k -> new TargetCounters());
  }
}
