package io.archway.proxy;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShutdownTest {

  private final int port = Ports.free();
  private TcpBackend backend;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    backend = TcpBackend.echo();
    gateway = Gateway.start();
    gateway.healthy("p", backend.address());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    backend.close();
  }

  @Test
  void shutdownLetsConnectionsFinishWithinTheDrainTimeoutThenClosesTheRest() throws Exception {
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address()).put("drainTimeout", "1s")));
    try (Socket finishing = Streams.connect(port); Socket lingering = Streams.connect(port)) {
      assertThat(echo(finishing, "a")).isEqualTo("a");
      assertThat(echo(lingering, "b")).isEqualTo("b");

      long start = System.nanoTime();
      Future<Void> shutdown = gateway.shutdownAsync();

      await().atMost(Duration.ofSeconds(5)).until(() -> refused(port));
      // Draining: open connections still relay, and may end on their own.
      assertThat(echo(finishing, "more")).isEqualTo("more");
      finishing.shutdownOutput();
      assertThat(finishing.getInputStream().read()).isEqualTo(-1);
      assertThat(shutdown.isComplete()).isFalse();

      assertThat(Streams.closedByPeer(lingering)).isTrue();
      Gateway.await(shutdown);
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(800L, 6_000L);
    }
    assertThat(gateway.awaitAccessLine("client_close")).isNotNull();
    assertThat(gateway.awaitAccessLine("shutdown")).isNotNull();
    assertThat(gateway.gauge(MetricNames.LISTENER_CONNECTIONS_ACTIVE, "listener", "l")).isZero();
  }

  @Test
  void shutdownWithoutConnectionsCompletesAtOnceAndRefusesLaterApplies() throws Exception {
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address()).put("drainTimeout", "30s")));
    long start = System.nanoTime();

    Gateway.await(gateway.shutdownAsync());

    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
    // On NIO the port is free a moment after the server socket closed (when its selector drops it).
    await().atMost(Duration.ofSeconds(5)).until(() -> refused(port));
    assertThat(gateway.applyAsync(config(listener("l", port, "p"), pool("p", backend.address())))
        .toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("shut down");
  }

  @Test
  void undeployClosesEveryConnectionAtOnceWithShutdown() throws Exception {
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address()).put("drainTimeout", "30s")));
    try (Socket client = Streams.connect(port)) {
      assertThat(echo(client, "a")).isEqualTo("a");

      Gateway.await(gateway.vertx().deploymentIDs().stream()
          .map(id -> gateway.vertx().undeploy(id)).reduce((a, b) -> Future.all(a, b).mapEmpty()).orElseThrow());

      assertThat(Streams.closedByPeer(client)).isTrue();
    }
    assertThat(gateway.awaitAccessLine(l -> true).getString("termination")).isEqualTo("shutdown");
  }

  @Test
  void aShutdownTimeoutOverridesThePoolsAndWhatIsLeftClosesSpreadOverASecond() throws Exception {
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address()).put("drainTimeout", "30s")));
    int count = 20;
    Socket[] clients = new Socket[count];
    long[] closedAt = new long[count];
    try {
      for (int i = 0; i < count; i++) {
        clients[i] = Streams.connect(port);
        assertThat(echo(clients[i], "x")).isEqualTo("x");
      }
      long start = System.nanoTime();
      Future<Void> shutdown = gateway.shutdownAsync(Duration.ofMillis(300));
      // One watcher per client, so that each close is seen when it happens, whatever the order.
      ExecutorService watchers = Executors.newFixedThreadPool(count);
      try {
        List<java.util.concurrent.Future<?>> watching = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          int n = i;
          watching.add(watchers.submit(() -> {
            assertThat(Streams.closedByPeer(clients[n])).isTrue();
            closedAt[n] = System.nanoTime();
          }));
        }
        for (java.util.concurrent.Future<?> w : watching) w.get(10, TimeUnit.SECONDS);
      } finally {
        watchers.shutdownNow();
      }
      Gateway.await(shutdown);
      long first = Arrays.stream(closedAt).min().orElseThrow();
      long last = Arrays.stream(closedAt).max().orElseThrow();
      assertThat((first - start) / 1_000_000).as("the shutdown timeout, not the pool's 30 s").isBetween(200L, 5_000L);
      assertThat((last - first) / 1_000_000).as("closes spread over the window").isBetween(500L, 3_000L);
    } finally {
      for (Socket c : clients) if (c != null) c.close();
    }
  }

  private static String echo(Socket socket, String text) throws IOException {
    Streams.write(socket.getOutputStream(), text);
    return Streams.read(socket.getInputStream(), text.length());
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
