package io.archway.proxy;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code reusePort: true}: two gateways (two Vert.x instances, as two processes on one host would be)
 * bind the same port on Linux's native transport, and the kernel spreads connections between them.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReusePortTest {

  private final int port = Ports.free();
  private TcpBackend backend;
  private Gateway first;
  private Gateway second;

  @BeforeEach
  void start() throws Exception {
    backend = TcpBackend.banner("hi\n");
    first = Gateway.start(1, true);
    second = Gateway.start(1, true);
    first.healthy("p", backend.address());
    second.healthy("p", backend.address());
  }

  @AfterEach
  void stop() throws Exception {
    first.close();
    second.close();
    backend.close();
  }

  private JsonObject withReusePort(boolean reusePort) {
    return config(listener("a", port, "p").put("reusePort", reusePort),
        pool("p", backend.address()));
  }

  @Test
  void twoGatewaysShareAPortAndBothServe() throws Exception {
    first.apply(withReusePort(true));
    second.apply(withReusePort(true));
    for (int i = 0; i < 64; i++) {
      try (Socket s = Streams.connect(port)) {
        assertThat(Streams.read(s.getInputStream(), 3)).isEqualTo("hi\n");
      }
    }
    long servedByFirst = first.registry().get("archway.listener.connections").counter().count() > 0 ? 1 : 0;
    long servedBySecond = second.registry().get("archway.listener.connections").counter().count() > 0 ? 1 : 0;
    assertThat(servedByFirst + servedBySecond).as("both gateways accepted connections").isEqualTo(2);
  }

  @Test
  void withoutReusePortTheSecondGatewayCannotBind() throws Exception {
    first.apply(withReusePort(false));
    assertThatThrownBy(() -> second.apply(withReusePort(false))).hasMessageContaining("cannot bind");
  }
}
