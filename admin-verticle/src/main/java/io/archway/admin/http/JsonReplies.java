package io.archway.admin.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Sends JSON bodies, and errors as {@code {"error":"..."}}. */
public final class JsonReplies {

  public static final String JSON = "application/json; charset=utf-8";

  private JsonReplies() {}

  public static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    return ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
  }

  public static Future<Void> ok(RoutingContext ctx, JsonObject body) {
    return send(ctx, 200, body);
  }

  public static Future<Void> error(RoutingContext ctx, int status, String message) {
    return send(ctx, status, new JsonObject().put("error", message));
  }
}
