package io.archway.admin.api;

import io.archway.admin.http.JsonReplies;
import io.archway.core.config.ConfigDocument;
import io.archway.core.store.ConfigStore;
import io.archway.core.store.VersionedConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.UnaryOperator;

/**
 * {@code GET /api/config} and {@code GET /api/{listeners,pools,certificates}/{name}}: the cluster's current
 * config, or one entry of it, with passwords and tokens redacted. The {@code ETag} is the config version
 * in quotes ({@code "7"}), the value that {@code If-Match} will carry once writes exist; a matching
 * {@code If-None-Match} answers 304.
 */
public final class ConfigResource {

  private final ConfigStore store;

  public ConfigResource(ConfigStore store) {
    this.store = store;
  }

  /** Answers the whole redacted document. */
  public void document(RoutingContext ctx) {
    current(ctx, "", config -> config);
  }

  /**
   * Answers the entry of {@code section} ({@code listeners}, {@code pools}, {@code certificates}) named by
   * the path parameter {@code name}, or 404.
   */
  public void entry(RoutingContext ctx, String section) {
    String name = ctx.pathParam("name");
    String kind = section.substring(0, section.length() - 1);
    current(ctx, "no " + kind + " named '" + name + "'", config -> {
      if (config.getValue(section) instanceof JsonArray entries) {
        for (Object entry : entries) {
          if (entry instanceof JsonObject json && name.equals(json.getValue("name"))) return json;
        }
      }
      return null;
    });
  }

  private void current(RoutingContext ctx, String missing, UnaryOperator<JsonObject> select) {
    store.current().onFailure(e -> ctx.fail(503, e)).onSuccess(current -> {
      if (current == null) {
        JsonReplies.error(ctx, 503, "no config has been published to the cluster yet");
        return;
      }
      JsonObject body = select.apply(ConfigDocument.redacted(current.config()));
      if (body == null) {
        JsonReplies.error(ctx, 404, "config version " + current.version() + " has " + missing);
        return;
      }
      String etag = etag(current);
      ctx.response().putHeader("ETag", etag);
      if (matches(ctx.request().getHeader("If-None-Match"), etag)) {
        ctx.response().setStatusCode(304).end();
      } else {
        JsonReplies.ok(ctx, body);
      }
    });
  }

  static String etag(VersionedConfig config) {
    return "\"" + config.version() + "\"";
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) return false;
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) tag = tag.substring(2);
      if (tag.equals("*") || tag.equals(etag)) return true;
    }
    return false;
  }
}
