package io.archway.proxy.http;

import io.vertx.core.json.JsonObject;

/** {@link LargeBodyTest} on the Vert.x path (an h2c listener serving HTTP/1.1): the same large bodies, the same outcomes. */
class LargeBodyVertxPathTest extends LargeBodyTest {

  @Override
  JsonObject path(JsonObject listener) {
    return HttpRoutingTest.onVertxPath(listener);
  }
}
