package io.archway.proxy;

import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.config.ConfigParser;
import io.archway.core.node.NodeContext;
import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Configs;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A new config changes only what differs; connections that nothing concerns live on. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApplyTest {

  private final int portA = Ports.free();
  private final int portB = Ports.free();
  private TcpBackend one;
  private TcpBackend two;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    one = TcpBackend.banner("one\n");
    two = TcpBackend.banner("two\n");
    gateway = Gateway.start();
    gateway.healthy("p", one.address(), two.address());
    gateway.healthy("q", one.address(), two.address());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    one.close();
    two.close();
  }

  @Test
  void unchangedListenerKeepsItsConnectionWhileAnotherIsAddedAndRemoved() throws Exception {
    gateway.apply(config(List.of(listener("a", portA, "p")), pool("p", one.address())));
    try (Socket live = Streams.connect(portA)) {
      assertThat(echo(live, "first")).isEqualTo("one\nfirst");

      gateway.apply(config(List.of(listener("a", portA, "p"), listener("b", portB, "p")), pool("p", one.address())));
      assertThat(echo(live, "second")).isEqualTo("second");
      try (Socket other = Streams.connect(portB)) {
        assertThat(echo(other, "b")).isEqualTo("one\nb");
      }

      gateway.apply(config(List.of(listener("a", portA, "p")), pool("p", one.address())));
      await().atMost(Duration.ofSeconds(10)).until(() -> refused(portB));
      assertThat(echo(live, "third")).isEqualTo("third");
    }
  }

  @Test
  void removedListenerDrainsThenClosesWhatIsLeftWithDrainTimeout() throws Exception {
    JsonObject pool = pool("p", one.address()).put("drainTimeout", "700ms");
    gateway.apply(config(List.of(listener("a", portA, "p"), listener("b", portB, "p")), pool));
    try (Socket live = Streams.connect(portB)) {
      assertThat(echo(live, "x")).isEqualTo("one\nx");

      gateway.apply(config(List.of(listener("a", portA, "p")), pool));
      long removed = System.nanoTime();
      assertThat(echo(live, "still")).isEqualTo("still");

      assertThat(Streams.closedByPeer(live)).isTrue();
      assertThat((System.nanoTime() - removed) / 1_000_000).isBetween(500L, 5_000L);
    }
    JsonObject line = gateway.awaitAccessLine("drain_timeout");
    assertThat(line.getString("listener")).isEqualTo("b");
  }

  @Test
  void poolChangeServesNewConnectionsAndLeavesLiveOnesAlone() throws Exception {
    gateway.apply(config(List.of(listener("a", portA, "p")), pool("p", one.address())));
    try (Socket live = Streams.connect(portA)) {
      assertThat(echo(live, "before")).isEqualTo("one\nbefore");

      gateway.apply(config(List.of(listener("a", portA, "p")), pool("p", two.address()).put("idleTimeout", "2m")));

      assertThat(echo(live, "after")).isEqualTo("after");
      try (Socket fresh = Streams.connect(portA)) {
        assertThat(echo(fresh, "new")).isEqualTo("two\nnew");
      }
    }
  }

  @Test
  void listenerChangedAtTheSameAddressKeepsItsSocketAndConnections() throws Exception {
    gateway.apply(config(List.of(listener("old", portA, "p")), pool("p", one.address()), pool("q", two.address())));
    try (Socket live = Streams.connect(portA)) {
      assertThat(echo(live, "x")).isEqualTo("one\nx");

      gateway.apply(config(List.of(listener("new", portA, "q").put("idleTimeout", "3m")),
          pool("p", one.address()), pool("q", two.address())));

      assertThat(echo(live, "y")).isEqualTo("y");
      try (Socket fresh = Streams.connect(portA)) {
        assertThat(echo(fresh, "z")).isEqualTo("two\nz");
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.accessLog().size() == 2);
    assertThat(gateway.accessLog()).extracting(l -> l.getString("listener") + "/" + l.getString("pool"))
        .containsExactlyInAnyOrder("old/p", "new/q");
  }

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void listenerRemovedAndAddedBackAtOnceAcceptsAgain(boolean nativeTransport) throws Exception {
    // Vert.x shares a socket per address between verticles; adding the listener back while that socket
    // is still closing used to join the dying socket (refused) or find the port still taken (NIO).
    try (Gateway own = Gateway.start(2, nativeTransport)) {
      own.healthy("p", one.address());
      JsonObject with = config(List.of(listener("a", portA, "p"), listener("b", portB, "p")), pool("p", one.address()));
      JsonObject without = config(List.of(listener("a", portA, "p")), pool("p", one.address()));
      own.apply(with);
      for (int round = 0; round < 50; round++) {
        own.apply(without);
        own.apply(with);
        try (Socket client = Streams.connect(portB)) {
          assertThat(echo(client, "r" + round)).as("round " + round).isEqualTo("one\nr" + round);
        }
      }
    }
  }

  @Test
  void bindFailureNamesTheListenerAndAddressAndALaterApplyRetries() throws Exception {
    JsonObject config = config(List.of(listener("busy", portA, "p")), pool("p", one.address()));
    try (ServerSocket taken = new ServerSocket(portA, 1, InetAddress.getLoopbackAddress())) {
      assertThat(taken.isBound()).isTrue();
      ExecutionException failure = org.assertj.core.api.Assertions.catchThrowableOfType(
          () -> gateway.apply(config), ExecutionException.class);
      assertThat(failure.getCause())
          .hasMessage("listener 'busy': cannot bind 127.0.0.1:" + portA + ": Address already in use");
    }
    gateway.apply(config);
    try (Socket client = Streams.connect(portA)) {
      assertThat(echo(client, "ok")).isEqualTo("one\nok");
    }
  }

  @Test
  void instancesOnEveryEventLoopShareOneAddress() throws Exception {
    gateway.apply(config(List.of(listener("a", portA, "p")), pool("p", one.address())));
    List<Socket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) clients.add(Streams.connect(portA));
      for (int i = 0; i < clients.size(); i++) {
        assertThat(echo(clients.get(i), "c" + i)).isEqualTo("one\nc" + i);
      }
    } finally {
      for (Socket c : clients) c.close();
    }
  }

  @Test
  void applyOnAnUndeployedVerticleFailsSayingSo() throws Exception {
    ProxyVerticle proxy = new ProxyVerticle(NodeContext.create("n"));
    var config = ConfigParser.parse(config(List.of(listener("a", portA, "p")), pool("p", one.address())), Path.of("."));
    assertThat(proxy.apply(config).cause()).hasMessageContaining("not deployed");
  }

  private static JsonObject config(List<JsonObject> listeners, JsonObject... pools) {
    return Configs.config(new JsonArray(new ArrayList<>(listeners)), new JsonArray(List.of((Object[]) pools)));
  }

  /** Sends {@code text} and reads until it came back; the first exchange starts with the target's banner. */
  private static String echo(Socket socket, String text) throws IOException {
    Streams.write(socket.getOutputStream(), text);
    StringBuilder got = new StringBuilder();
    while (!got.toString().endsWith(text) && got.length() < text.length() + 64) {
      int c = socket.getInputStream().read();
      if (c < 0) break;
      got.append((char) c);
    }
    return got.toString();
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
