package io.archway.admin.api;

import io.archway.admin.http.JsonReplies;
import io.archway.core.cluster.NodeInfo;
import io.archway.core.cluster.NodeRegistry;
import io.archway.core.store.ConfigStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/cluster}: the listed nodes with their admin address, applied config version, state
 * and last apply error, beside the cluster's current config version (0 while none is published), so a
 * node that lags shows at a glance.
 */
public final class ClusterResource {

  private final NodeRegistry registry;
  private final ConfigStore store;

  public ClusterResource(NodeRegistry registry, ConfigStore store) {
    this.registry = registry;
    this.store = store;
  }

  public void handle(RoutingContext ctx) {
    var nodes = registry.nodes();
    var current = store.current();
    Future.all(nodes, current).onFailure(e -> ctx.fail(503, e)).onSuccess(all -> {
      JsonArray list = new JsonArray();
      nodes.result().stream().map(NodeInfo::toJson).forEach(list::add);
      long version = current.result() == null ? 0 : current.result().version();
      JsonReplies.ok(ctx, new JsonObject().put("nodes", list).put("configVersion", version));
    });
  }
}
