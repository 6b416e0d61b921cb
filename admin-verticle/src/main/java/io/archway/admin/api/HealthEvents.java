package io.archway.admin.api;

import io.archway.admin.http.JsonReplies;
import io.archway.core.bus.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;

/**
 * {@code GET /api/events}: the last health changes of every node seen on {@code archway.health.changed}
 * since this node started, oldest first, each with the time this node heard of it. Kept in memory, on
 * the admin verticle's event loop only.
 */
public final class HealthEvents {

  static final int KEEP = 50;

  private final Deque<JsonObject> events = new ArrayDeque<>();
  private MessageConsumer<Object> consumer;

  public void listen(Vertx vertx) {
    consumer = vertx.eventBus().consumer(EventBusAddresses.HEALTH_CHANGED, msg -> {
      if (!(msg.body() instanceof JsonObject body)) return;
      if (events.size() == KEEP) events.removeFirst();
      events.addLast(body.copy().put("time", Instant.now().toString()));
    });
  }

  public Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  public void handle(RoutingContext ctx) {
    JsonReplies.ok(ctx, new JsonObject().put("events", new JsonArray(new ArrayList<>(events))));
  }
}
