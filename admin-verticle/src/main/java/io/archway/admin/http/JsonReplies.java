package io.archway.admin.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/** Sends JSON bodies, and errors as {@code {"error":"..."}}. */
public final class JsonReplies {

  public static final String JSON = "application/json; charset=utf-8";

  private JsonReplies() {}

  /** Sends {@code body} with {@code status}; a {@code HEAD} request gets the status and headers only. */
  public static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse response = ctx.response().setStatusCode(status).putHeader("Content-Type", JSON);
    String text = body.encode();
    if (ctx.request().method() == HttpMethod.HEAD) {
      int length = text.getBytes(StandardCharsets.UTF_8).length;
      return response.putHeader("Content-Length", Integer.toString(length)).end();
    }
    return response.end(text);
  }

  public static Future<Void> ok(RoutingContext ctx, JsonObject body) {
    return send(ctx, 200, body);
  }

  public static Future<Void> error(RoutingContext ctx, int status, String message) {
    return send(ctx, status, new JsonObject().put("error", message));
  }
}
