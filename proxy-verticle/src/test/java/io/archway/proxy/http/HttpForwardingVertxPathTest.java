package io.archway.proxy.http;

import io.vertx.core.json.JsonObject;

/** {@link HttpForwardingTest} on the Vert.x path (an h2c listener serving HTTP/1.1): the same forwarding, the same outcomes. */
class HttpForwardingVertxPathTest extends HttpForwardingTest {

  @Override
  JsonObject path(JsonObject listener) {
    return HttpRoutingTest.onVertxPath(listener);
  }
}
