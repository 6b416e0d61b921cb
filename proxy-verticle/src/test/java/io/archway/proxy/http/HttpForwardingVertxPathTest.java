package io.archway.proxy.http;

import io.vertx.core.json.JsonObject;

/** {@link HttpForwardingTest} on the Vert.x path (a route to an HTTP/2 pool puts the listener there): the same forwarding, the same outcomes. */
class HttpForwardingVertxPathTest extends HttpForwardingTest {

  @Override
  JsonObject path(JsonObject config) {
    return HttpRoutingTest.onVertxPath(config);
  }

  /** Vert.x's pooled client does not tell when a request opened a connection: not timed yet (configuration.md). */
  @Override
  boolean timesTargetConnects() {
    return false;
  }
}
