package io.archway.proxy.pool;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

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

  /** The counts of the node that {@code vertx} runs (one Vert.x per node). */
  public static ActiveConnections of(Vertx vertx) {
    var map = vertx.sharedData().<String, ActiveConnections>getLocalMap(LOCAL_MAP);
    ActiveConnections fresh = new ActiveConnections();
    ActiveConnections existing = map.putIfAbsent("node", fresh);
    return existing == null ? fresh : existing;
  }

  TargetCounters of(String pool, String target) {
    return counts.computeIfAbsent(pool + "|" + target, k -> new TargetCounters());
  }
}
