package io.archway.admin.api;

import io.archway.admin.http.JsonReplies;
import io.archway.admin.http.Rejections;
import io.archway.core.config.ConfigText;
import io.archway.core.config.InvalidConfigException;
import io.archway.core.config.Problem;
import io.archway.core.store.ConfigWriter;
import io.archway.core.store.EntryNotFoundException;
import io.archway.core.store.StaleVersionException;
import io.archway.core.store.VersionedConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The write paths of the contract: {@code PUT /api/config}, {@code PUT}/{@code DELETE} on one listener,
 * pool or certificate, and a target's drain. Bodies in JSON or YAML; {@code If-Match} makes a write
 * conditional on the version it read. Answers 200 {@code {"version":N}}, 400 with every problem, 404 for
 * a missing entry, 412 for a stale {@code If-Match}.
 */
public final class ConfigWrites {

  private final ConfigWriter writer;
  private final Rejections rejections;

  public ConfigWrites(ConfigWriter writer, Rejections rejections) {
    this.writer = writer;
    this.rejections = rejections;
  }

  public void replaceAll(RoutingContext ctx) {
    withBody(ctx, body -> writer.replace(body, expectedVersion(ctx)));
  }

  public void putEntry(RoutingContext ctx, String section) {
    withBody(ctx, body -> writer.putEntry(section, ctx.pathParam("name"), body, expectedVersion(ctx)));
  }

  public void deleteEntry(RoutingContext ctx, String section) {
    reply(ctx, () -> writer.deleteEntry(section, ctx.pathParam("name"), expectedVersion(ctx)));
  }

  /** Sets one target of a pool to {@code draining}: no new connections, open ones finish. */
  public void drainTarget(RoutingContext ctx) {
    reply(ctx, () -> writer.setTargetState(ctx.pathParam("pool"), ctx.pathParam("address"), "draining",
        expectedVersion(ctx)));
  }

  private interface Write {
    Future<VersionedConfig> run();
  }

  private interface BodyWrite {
    Future<VersionedConfig> run(JsonObject body);
  }

  private void withBody(RoutingContext ctx, BodyWrite write) {
    reply(ctx, () -> write.run(ConfigText.parse(ctx.body().asString() == null ? "" : ctx.body().asString())));
  }

  private void reply(RoutingContext ctx, Write write) {
    Future<VersionedConfig> result;
    try {
      result = write.run();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("ETag", ConfigResource.etag(ar.result()));
        JsonReplies.ok(ctx, new JsonObject().put("version", ar.result().version()));
      } else if (ar.cause() instanceof InvalidConfigException e) {
        rejections.rejected(ctx, 400, "invalid", e.problems().size() + " problem(s), the first at '"
            + e.problems().get(0).path() + "': " + e.problems().get(0).message());
        JsonReplies.send(ctx, 400, new JsonObject().put("problems", e.problemsJson()));
      } else if (ar.cause() instanceof StaleVersionException e) {
        rejections.rejected(ctx, 412, "stale", e.getMessage());
        ctx.response().putHeader("ETag", "\"" + e.currentVersion() + "\"");
        JsonReplies.send(ctx, 412, new JsonObject().put("error", e.getMessage())
            .put("version", e.currentVersion()));
      } else if (ar.cause() instanceof EntryNotFoundException e) {
        rejections.rejected(ctx, 404, "not_found", e.getMessage());
        JsonReplies.error(ctx, 404, e.getMessage());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /** The version in {@code If-Match} ({@code "3"}, {@code 3}, or {@code *} for any), or -1 without one. */
  static long expectedVersion(RoutingContext ctx) {
    String header = ctx.request().getHeader("If-Match");
    if (header == null || header.isBlank() || header.strip().equals("*")) return -1;
    String tag = header.strip();
    if (tag.startsWith("W/")) tag = tag.substring(2);
    tag = tag.replace("\"", "");
    try {
      long version = Long.parseLong(tag);
      if (version >= 0) return version;
    } catch (NumberFormatException e) {
      // fall through to the problem
    }
    throw new InvalidConfigException(List.of(new Problem("If-Match",
        "'" + header + "' is not a config version; send the ETag of GET /api/config, such as \"3\"")));
  }
}
