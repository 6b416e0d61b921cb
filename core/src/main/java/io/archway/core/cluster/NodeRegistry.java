package io.archway.core.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Comparator;
import java.util.List;

/**
 * The nodes of the cluster, each listed by itself with a time to live: a node that stops refreshing
 * its entry (killed, cut off) drops out of the list on its own.
 */
public final class NodeRegistry {

  /** How long an entry lives without a refresh; nodes refresh every third of it. */
  public static final long TTL_MS = 15_000;

  private final AsyncMap<String, String> map;

  private NodeRegistry(AsyncMap<String, String> map) {
    this.map = map;
  }

  public static Future<NodeRegistry> open(Vertx vertx) {
    return vertx.sharedData().<String, String>getAsyncMap("archway.nodes").map(NodeRegistry::new);
  }

  /** Completes when the cluster holds this node's entry. */
  public Future<Void> put(NodeInfo info) {
    return map.put(info.name(), info.toJson().encode(), TTL_MS);
  }

  public Future<Void> remove(String name) {
    return map.remove(name).mapEmpty();
  }

  /** Completes with every listed node, by name. */
  public Future<List<NodeInfo>> nodes() {
    return map.entries().map(entries -> entries.values().stream()
        .map(text -> NodeInfo.fromJson(new JsonObject(text)))
        .sorted(Comparator.comparing(NodeInfo::name))
        .toList());
  }
}
