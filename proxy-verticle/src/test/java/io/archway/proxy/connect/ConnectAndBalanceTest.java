package io.archway.proxy.connect;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.health.TargetHealth;
import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which target a client gets: healthy and enabled ones, round robin, the next one when a connect fails. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectAndBalanceTest {

  private final int port = Ports.free();
  private final List<TcpBackend> backends = new ArrayList<>();
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    // One instance: round robin is per event loop, so its order is exact only with one.
    gateway = Gateway.start(1, false);
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    for (TcpBackend b : backends) b.close();
  }

  @Test
  void failedConnectIsRetriedOnTheNextTarget() throws Exception {
    String down = "127.0.0.1:" + Ports.closed();
    TcpBackend up = backend("UP");
    gateway.healthy("p", down, up.address());
    gateway.apply(config(listener("l", port, "p"), pool("p", down, up.address())));

    assertThat(greeting()).isEqualTo("UP");

    assertThat(gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", down)).isEqualTo(1);
    assertThat(gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", up.address())).isZero();
    assertThat(gateway.timerCount(MetricNames.BACKEND_CONNECT, "pool", "p")).isEqualTo(1);
    JsonObject line = gateway.awaitAccessLine(l -> true);
    assertThat(line.getString("target")).isEqualTo(up.address());
    assertThat(line.getString("termination")).isEqualTo("client_close");
  }

  @Test
  void everyTargetDownClosesTheClientWithConnectFailed() throws Exception {
    String down1 = "127.0.0.1:" + Ports.closed();
    String down2 = "127.0.0.1:" + Ports.closed();
    gateway.healthy("p", down1, down2);
    gateway.apply(config(listener("l", port, "p"), pool("p", down1, down2)));

    try (Socket client = Streams.connect(port)) {
      assertThat(Streams.closedByPeer(client)).isTrue();
    }

    JsonObject line = gateway.awaitAccessLine("connect_failed");
    assertThat(line.getString("target")).isEqualTo(down2);
    assertThat(line.getValue("connectMs")).isNull();
    assertThat(gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "l", "reason", "connect_failed")).isEqualTo(1);
    assertThat(gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", down1)).isEqualTo(1);
    assertThat(gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", down2)).isEqualTo(1);
  }

  @Test
  void retriesStopAfterTheConfiguredCount() throws Exception {
    String[] down = {"127.0.0.1:" + Ports.closed(), "127.0.0.1:" + Ports.closed(), "127.0.0.1:" + Ports.closed()};
    gateway.healthy("p", down);
    gateway.apply(config(listener("l", port, "p"), pool("p", down).put("retries", 1)));

    try (Socket client = Streams.connect(port)) {
      assertThat(Streams.closedByPeer(client)).isTrue();
    }

    gateway.awaitAccessLine("connect_failed");
    double attempts = 0;
    for (String d : down) attempts += gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", d);
    assertThat(attempts).as("one attempt and one retry").isEqualTo(2);
  }

  @Test
  void everyTargetUnhealthyClosesTheClientAtOnceWithNoTarget() throws Exception {
    TcpBackend idle = backend("NEVER");
    gateway.apply(config(listener("l", port, "p"), pool("p", idle.address())));

    try (Socket client = Streams.connect(port)) {
      long start = System.nanoTime();
      assertThat(Streams.closedByPeer(client)).isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    }

    JsonObject line = gateway.awaitAccessLine("no_target");
    assertThat(line.getValue("target")).isNull();
    assertThat(gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "l", "reason", "no_target")).isEqualTo(1);
    assertThat(idle.connections()).isZero();
  }

  @Test
  void disabledTargetsGetNoConnections() throws Exception {
    TcpBackend disabled = backend("OFF");
    TcpBackend enabled = backend("ON");
    gateway.healthy("p", disabled.address(), enabled.address());
    JsonObject pool = pool("p", disabled.address(), enabled.address());
    pool.getJsonArray("targets").getJsonObject(0).put("state", "disabled");
    gateway.apply(config(listener("l", port, "p"), pool));

    for (int i = 0; i < 4; i++) assertThat(greeting()).isEqualTo("ON");
    assertThat(disabled.connections()).isZero();
  }

  @Test
  void roundRobinSpreadsOverHealthyTargetsAndFollowsHealthChanges() throws Exception {
    TcpBackend a = backend("A");
    TcpBackend b = backend("B");
    TcpBackend c = backend("C");
    gateway.healthy("p", a.address(), b.address());
    gateway.apply(config(listener("l", port, "p"), pool("p", a.address(), b.address(), c.address())));

    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 6; i++) seen.add(greeting());
    assertThat(seen).containsExactly("A", "B", "A", "B", "A", "B");
    assertThat(c.connections()).isZero();

    gateway.node().health().set("p", a.address(), TargetHealth.UNHEALTHY);
    gateway.healthy("p", c.address());
    seen.clear();
    for (int i = 0; i < 4; i++) seen.add(greeting());
    assertThat(seen).containsOnly("B", "C").contains("B", "C");
  }

  @Test
  void connectTimeoutIsTheLimitOfOneAttempt() throws Exception {
    // A listening socket whose accept queue is full: the kernel drops further handshakes.
    try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = new ArrayList<>();
      try {
        String target = "127.0.0.1:" + full.getLocalPort();
        for (int i = 0; i < 4; i++) {
          Socket s = new Socket();
          try {
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
          } catch (java.io.IOException e) {
            // Expected once the backlog is full.
          }
          fillers.add(s);
        }
        gateway.healthy("p", target);
        gateway.apply(config(listener("l", port, "p"),
            pool("p", target).put("connectTimeout", "300ms").put("retries", 0)));

        try (Socket client = Streams.connect(port)) {
          long start = System.nanoTime();
          assertThat(Streams.closedByPeer(client)).isTrue();
          assertThat((System.nanoTime() - start) / 1_000_000).isBetween(200L, 5_000L);
        }
        assertThat(gateway.awaitAccessLine(l -> true).getString("termination")).isEqualTo("connect_failed");
      } finally {
        for (Socket s : fillers) s.close();
      }
    }
  }

  private TcpBackend backend(String name) throws Exception {
    TcpBackend backend = TcpBackend.banner(name + "\n");
    backends.add(backend);
    return backend;
  }

  /** Connects through the gateway and returns the name of the target it got (its banner line). */
  private String greeting() throws Exception {
    try (Socket client = Streams.connect(port)) {
      StringBuilder name = new StringBuilder();
      for (int c; (c = client.getInputStream().read()) >= 0 && c != '\n'; ) name.append((char) c);
      return name.toString();
    }
  }
}
