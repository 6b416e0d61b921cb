package io.archway.proxy.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * {@link H2cListenerTest} on the Vert.x path (a route to an HTTP/2 pool puts the listener there), where
 * the strict decoder comes from {@link FirstBytes}; such a listener refuses to run on a Vert.x built
 * without the transport that puts {@link FirstBytes} in place.
 */
class H2cListenerVertxPathTest extends H2cListenerTest {

  @Override
  JsonObject config() {
    return HttpRoutingTest.onVertxPath(super.config());
  }

  @Test
  void anH2cListenerRefusesAVertxWithoutTheGatewayTransport() throws Exception {
    gateway = Gateway.startWithoutGatewayTransport();
    app = HttpBackend.start("app");
    assertThatThrownBy(() -> gateway.apply(config()))
        .hasStackTraceContaining("listener 'h2c': http2 on an http listener needs a Vert.x built with GatewayTransport");
  }
}
