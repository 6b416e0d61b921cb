package io.archway.proxy.relay;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleTimeoutTest {

  private final int port = Ports.free();
  private TcpBackend backend;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    backend = TcpBackend.echo();
    gateway = Gateway.start(1, false);
    gateway.healthy("p", backend.address());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    backend.close();
  }

  @Test
  void silentConnectionIsClosedWithIdleTimeout() throws Exception {
    gateway.apply(config(listener("l", port, "p").put("idleTimeout", "1s"), pool("p", backend.address())));
    try (Socket client = Streams.connect(port)) {
      Streams.write(client.getOutputStream(), "ping");
      assertThat(Streams.read(client.getInputStream(), 4)).isEqualTo("ping");
      long start = System.nanoTime();

      assertThat(Streams.closedByPeer(client)).isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(900L, 5_000L);
    }
    assertThat(gateway.awaitAccessLine(l -> true).getString("termination")).isEqualTo("idle_timeout");
  }

  @Test
  void theShorterOfListenerAndPoolIdleTimeoutApplies() throws Exception {
    gateway.apply(config(listener("l", port, "p").put("idleTimeout", "1m"),
        pool("p", backend.address()).put("idleTimeout", "1s")));
    try (Socket client = Streams.connect(port)) {
      Streams.write(client.getOutputStream(), "x");
      assertThat(Streams.read(client.getInputStream(), 1)).isEqualTo("x");

      assertThat(Streams.closedByPeer(client)).isTrue();
    }
    assertThat(gateway.awaitAccessLine(l -> true).getString("termination")).isEqualTo("idle_timeout");
  }

  @Test
  void trafficInEitherDirectionKeepsAConnectionOpenPastTheIdleTimeout() throws Exception {
    gateway.apply(config(listener("l", port, "p").put("idleTimeout", "1s"), pool("p", backend.address())));
    try (Socket client = Streams.connect(port)) {
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      for (int i = 0; i < 8; i++) {
        Streams.write(out, "k");
        assertThat(Streams.read(in, 1)).isEqualTo("k");
        Thread.sleep(300);
      }
      client.shutdownOutput();
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(gateway.awaitAccessLine(l -> true).getString("termination")).isEqualTo("client_close");
  }
}
