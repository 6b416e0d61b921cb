package io.archway.proxy.http;

import io.vertx.core.json.JsonObject;

/** {@link LargeBodyTest} on the Vert.x path (a route to an HTTP/2 pool puts the listener there): the same large bodies, the same outcomes. */
class LargeBodyVertxPathTest extends LargeBodyTest {

  @Override
  JsonObject path(JsonObject config) {
    return HttpRoutingTest.onVertxPath(config);
  }
}
