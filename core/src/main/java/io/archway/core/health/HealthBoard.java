package io.archway.core.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster-wide view of target health: each node writes its own {@link HealthView} as one entry
 * with a time to live, so that the admin API of any node can show every node's view.
 */
public final class HealthBoard {

  public static final long TTL_MS = 15_000;

  private final AsyncMap<String, String> map;

  private HealthBoard(AsyncMap<String, String> map) {
    this.map = map;
  }

  public static Future<HealthBoard> open(Vertx vertx) {
    return vertx.sharedData().<String, String>getAsyncMap("archway.health").map(HealthBoard::new);
  }

  /** Publishes a node's view: {@code {pool: {target: state}}}. */
  public Future<Void> put(String node, Map<String, Map<String, TargetHealth>> view) {
    JsonObject json = new JsonObject();
    view.forEach((pool, targets) -> {
      JsonObject t = new JsonObject();
      targets.forEach((target, health) -> t.put(target, health.keyword()));
      json.put(pool, t);
    });
    return map.put(node, json.encode(), TTL_MS);
  }

  public Future<Void> remove(String node) {
    return map.remove(node).mapEmpty();
  }

  /** Completes with each node's view, by node name. */
  public Future<Map<String, JsonObject>> views() {
    return map.entries().map(entries -> {
      Map<String, JsonObject> out = new TreeMap<>();
      entries.forEach((node, text) -> out.put(node, new JsonObject(text)));
      return out;
    });
  }
}
