package io.archway.admin.api;

import io.archway.admin.http.JsonReplies;
import io.vertx.ext.web.RoutingContext;

/**
 * The write paths of the contract ({@code PUT}, {@code DELETE} on the config and its entries, target
 * drain), answered 405 with a message until config writes exist, rather than a bare 404 that would read
 * as a typo in the path.
 */
public final class ConfigWrites {

  /** Every path the contract writes through, for a route regex. */
  public static final String PATHS =
      "/api/(config|(listeners|pools|certificates)/[^/]+|pools/[^/]+/targets/[^/]+/drain)";

  private ConfigWrites() {}

  public static void notSupportedYet(RoutingContext ctx) {
    String path = ctx.request().path();
    if (!path.endsWith("/drain")) ctx.response().putHeader("Allow", "GET");
    JsonReplies.error(ctx, 405, "config writes through the admin API are not supported yet ("
        + ctx.request().method() + " " + path + "); this version serves the config read-only");
  }
}
