package io.archway.admin.status;

import io.archway.admin.http.JsonReplies;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /healthz}: 200 for as long as the process answers at all, whatever its phase. */
public final class LivenessHandler implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    JsonReplies.ok(ctx, new JsonObject().put("status", "up"));
  }
}
