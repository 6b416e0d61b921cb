package io.archway.admin.api;

import io.archway.admin.http.JsonReplies;
import io.archway.core.config.HostPort;
import io.archway.core.health.HealthBoard;
import io.archway.core.store.ConfigStore;
import io.archway.core.store.VersionedConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/health}: every pool's targets and the state each node sees, turned around from the
 * board's per-node views so that disagreeing nodes show side by side:
 * {@code {"pools":{"redis":{"10.0.0.5:6379":{"node-a":"healthy","node-b":"unhealthy"}}},"nodes":["node-a","node-b"]}}.
 * {@code nodes} lists the nodes whose view is on the board, so an empty pool list still says who reported.
 */
public final class HealthResource {

  private final HealthBoard board;
  private final ConfigStore store;

  public HealthResource(HealthBoard board, ConfigStore store) {
    this.board = board;
    this.store = store;
  }

  public void handle(RoutingContext ctx) {
    Future<Map<String, JsonObject>> views = board.views();
    Future<VersionedConfig> current = store.current();
    Future.all(views, current).onFailure(e -> ctx.fail(503, e)).onSuccess(x -> JsonReplies.ok(ctx,
        byPool(views.result(), current.result() == null ? new JsonObject() : current.result().config())));
  }

  /**
   * Turns {@code {node: {pool: {target: state}}}} into the answer's shape, every level sorted by name.
   * Targets that {@code config} (the cluster's) sets {@code disabled} are probed by no node: each node
   * shows them as {@code disabled}, as the {@code archway_pool_targets} gauge counts them.
   */
  static JsonObject byPool(Map<String, JsonObject> views, JsonObject config) {
    Map<String, JsonObject> byNode = new TreeMap<>(views);
    JsonObject pools = new JsonObject(new TreeMap<>());
    byNode.forEach((node, view) -> view.forEach(pool -> {
      if (!(pool.getValue() instanceof JsonObject targets)) return;
      JsonObject byTarget = pools.getJsonObject(pool.getKey());
      if (byTarget == null) pools.put(pool.getKey(), byTarget = new JsonObject(new TreeMap<>()));
      for (Map.Entry<String, Object> target : targets) {
        JsonObject states = byTarget.getJsonObject(target.getKey());
        if (states == null) byTarget.put(target.getKey(), states = new JsonObject(new TreeMap<>()));
        states.put(node, target.getValue());
      }
    }));
    for (Object p : config.getJsonArray("pools", new JsonArray())) {
      if (!(p instanceof JsonObject pool) || !(pool.getValue("name") instanceof String name)) continue;
      for (Object t : pool.getJsonArray("targets", new JsonArray())) {
        if (!(t instanceof JsonObject target) || !"disabled".equals(target.getValue("state"))
            || !(target.getValue("address") instanceof String address)) continue;
        JsonObject byTarget = pools.getJsonObject(name);
        if (byTarget == null) pools.put(name, byTarget = new JsonObject(new TreeMap<>()));
        JsonObject states = new JsonObject(new TreeMap<>());
        byNode.keySet().forEach(node -> states.put(node, "disabled"));
        byTarget.put(key(address), states);
      }
    }
    return new JsonObject().put("pools", pools).put("nodes", new JsonArray(new ArrayList<>(byNode.keySet())));
  }

  /** A target's address as the board writes it ({@code host:port}, IPv6 in brackets). */
  private static String key(String address) {
    try {
      return HostPort.parse(address).toString();
    } catch (IllegalArgumentException e) {
      return address;
    }
  }
}
