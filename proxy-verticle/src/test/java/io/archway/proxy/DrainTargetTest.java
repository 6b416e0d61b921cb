package io.archway.proxy;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A draining target gets no new connections; its open ones end within the pool's drain timeout. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainTargetTest {

  private final int port = Ports.free();
  private TcpBackend one;
  private TcpBackend two;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    one = TcpBackend.banner("one\n");
    two = TcpBackend.banner("two\n");
    gateway = Gateway.start();
    gateway.healthy("p", one.address(), two.address());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    one.close();
    two.close();
  }

  private JsonObject withOne(String state, String drainTimeout) {
    JsonObject pool = new JsonObject().put("name", "p").put("drainTimeout", drainTimeout).put("targets", new JsonArray()
        .add(new JsonObject().put("address", one.address()).put("state", state))
        .add(new JsonObject().put("address", two.address())));
    return config(listener("a", port, "p"), pool);
  }

  @Test
  void aDrainingTargetsConnectionsEndAtTheDrainTimeoutWhileNewOnesGoElsewhere() throws Exception {
    gateway.apply(withOne("enabled", "800ms"));
    try (Socket onOne = connectTo("one")) {
      gateway.apply(withOne("draining", "800ms"));
      long drained = System.nanoTime();
      assertThat(echo(onOne, "still")).isEqualTo("still");
      for (int i = 0; i < 3; i++) {
        try (Socket fresh = Streams.connect(port)) {
          assertThat(Streams.read(fresh.getInputStream(), 4)).isEqualTo("two\n");
        }
      }
      assertThat(Streams.closedByPeer(onOne)).isTrue();
      assertThat((System.nanoTime() - drained) / 1_000_000).isBetween(600L, 5_000L);
    }
    JsonObject line = gateway.awaitAccessLine("drain_timeout");
    assertThat(line.getString("target")).isEqualTo(one.address());
  }

  @Test
  void aTargetEnabledAgainBeforeTheTimeoutKeepsItsConnections() throws Exception {
    gateway.apply(withOne("enabled", "1s"));
    try (Socket onOne = connectTo("one")) {
      gateway.apply(withOne("draining", "1s"));
      gateway.apply(withOne("enabled", "1s"));
      Thread.sleep(1500);
      assertThat(echo(onOne, "alive")).isEqualTo("alive");
    }
  }

  /** Connects until round robin lands on the backend whose banner is {@code name}. */
  private Socket connectTo(String name) throws IOException {
    for (int i = 0; i < 4; i++) {
      Socket s = Streams.connect(port);
      if (Streams.read(s.getInputStream(), 4).equals(name + "\n")) return s;
      s.close();
    }
    throw new AssertionError("round robin never reached " + name);
  }

  private static String echo(Socket socket, String text) throws IOException {
    Streams.write(socket.getOutputStream(), text);
    return Streams.read(socket.getInputStream(), text.getBytes(StandardCharsets.UTF_8).length);
  }
}
