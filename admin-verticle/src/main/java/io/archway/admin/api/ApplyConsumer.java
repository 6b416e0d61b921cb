package io.archway.admin.api;

import io.archway.core.bus.EventBusAddresses;
import io.archway.core.config.InvalidConfigException;
import io.archway.core.config.Problem;
import io.archway.core.store.ConfigWriter;
import io.archway.core.store.StaleVersionException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code archway.config.apply} on the event bus, for other Vert.x services of the cluster: the body
 * {@code {"config":{...},"expectedVersion":N?}} replaces the config as {@code PUT /api/config} does;
 * the reply is {@code {"version":N}}, or a failure with code 400 and the problems as JSON, or 412.
 */
public final class ApplyConsumer {

  private ApplyConsumer() {}

  public static MessageConsumer<Object> register(Vertx vertx, ConfigWriter writer) {
    return vertx.eventBus().consumer(EventBusAddresses.CONFIG_APPLY, msg -> handle(msg, writer));
  }

  private static void handle(Message<Object> msg, ConfigWriter writer) {
    if (!(msg.body() instanceof JsonObject body) || !(body.getValue("config") instanceof JsonObject config)) {
      fail(msg, new InvalidConfigException(List.of(new Problem("config",
          "the message body must be a JSON object {\"config\":{...},\"expectedVersion\":N?}"))));
      return;
    }
    Object expected = body.getValue("expectedVersion");
    if (expected != null && !(expected instanceof Number)) {
      fail(msg, new InvalidConfigException(List.of(new Problem("expectedVersion", "must be a number"))));
      return;
    }
    long version = expected == null ? -1 : ((Number) expected).longValue();
    writer.replace(config, version)
        .onSuccess(v -> msg.reply(new JsonObject().put("version", v.version())))
        .onFailure(e -> fail(msg, e));
  }

  private static void fail(Message<Object> msg, Throwable e) {
    if (e instanceof InvalidConfigException invalid) {
      msg.fail(400, new JsonObject().put("problems", invalid.problemsJson()).encode());
    } else if (e instanceof StaleVersionException stale) {
      msg.fail(412, stale.getMessage());
    } else {
      msg.fail(500, "the config could not be written: " + e.getMessage());
    }
  }
}
