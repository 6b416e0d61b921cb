package io.archway.admin.status;

import io.archway.admin.http.JsonReplies;
import io.archway.core.node.NodeStatus;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code GET /readyz}: 200 {@code {"status":"ready"}} once the node applied a config, 503 with
 * {@code starting} or {@code draining} otherwise, so that a load balancer in front sends traffic only to
 * nodes that serve it. The reason of a failed apply is left to the authenticated {@code /api/cluster}.
 */
public final class ReadinessHandler implements Handler<RoutingContext> {

  private final NodeStatus status;

  public ReadinessHandler(NodeStatus status) {
    this.status = status;
  }

  @Override
  public void handle(RoutingContext ctx) {
    NodeStatus.Phase phase = status.phase();
    JsonReplies.send(ctx, phase == NodeStatus.Phase.READY ? 200 : 503,
        new JsonObject().put("status", phase.name().toLowerCase(Locale.ROOT)));
  }
}
