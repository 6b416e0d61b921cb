package io.archway.proxy.http;

import io.vertx.core.json.JsonObject;

/** {@link WebSocketTest} on the Vert.x path (an h2c listener serving HTTP/1.1): the same WebSockets (the frame relay), the same outcomes. */
class WebSocketVertxPathTest extends WebSocketTest {

  @Override
  JsonObject path(JsonObject listener) {
    return HttpRoutingTest.onVertxPath(listener);
  }
}
