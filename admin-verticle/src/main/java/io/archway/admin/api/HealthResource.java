package io.archway.admin.api;

import io.archway.admin.http.JsonReplies;
import io.archway.core.health.HealthBoard;
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

  public HealthResource(HealthBoard board) {
    this.board = board;
  }

  public void handle(RoutingContext ctx) {
    board.views().onFailure(e -> ctx.fail(503, e)).onSuccess(views -> JsonReplies.ok(ctx, byPool(views)));
  }

  /** Turns {@code {node: {pool: {target: state}}}} into the answer's shape, every level sorted by name. */
  static JsonObject byPool(Map<String, JsonObject> views) {
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
    return new JsonObject().put("pools", pools).put("nodes", new JsonArray(new ArrayList<>(byNode.keySet())));
  }
}
