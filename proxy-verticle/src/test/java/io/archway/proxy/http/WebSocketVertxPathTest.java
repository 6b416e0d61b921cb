package io.archway.proxy.http;

import io.vertx.core.json.JsonObject;

/** {@link WebSocketTest} on the Vert.x path (a route to an HTTP/2 pool puts the listener there): the same WebSockets (the frame relay), the same outcomes. */
class WebSocketVertxPathTest extends WebSocketTest {

  @Override
  JsonObject path(JsonObject config) {
    return HttpRoutingTest.onVertxPath(config);
  }
}
