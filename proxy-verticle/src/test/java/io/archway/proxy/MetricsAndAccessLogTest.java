package io.archway.proxy;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.proxy.listener.ListenerMeters;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsAndAccessLogTest {

  private final int port = Ports.free();
  private TcpBackend backend;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    backend = TcpBackend.banner("hi\n");
    gateway = Gateway.start();
    gateway.healthy("p", backend.address());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    backend.close();
  }

  @Test
  void metricsCountExactlyWhatWasRelayedAcrossInstances() throws Exception {
    gateway.apply(config(listener("m", port, "p"), pool("p", backend.address())));
    List<Socket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Socket client = Streams.connect(port);
        clients.add(client);
        Streams.write(client.getOutputStream(), "x".repeat(1000));
        assertThat(Streams.read(client.getInputStream(), 1003)).isEqualTo("hi\n" + "x".repeat(1000));
      }
      assertThat(gateway.gauge(MetricNames.LISTENER_CONNECTIONS_ACTIVE, "listener", "m")).isEqualTo(4);
      assertThat(gateway.counter(MetricNames.LISTENER_CONNECTIONS, "listener", "m")).isEqualTo(4);
    } finally {
      for (Socket c : clients) c.close();
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.counter(ListenerMeters.CLOSED, "listener", "m", "termination", "client_close") == 4);

    assertThat(gateway.gauge(MetricNames.LISTENER_CONNECTIONS_ACTIVE, "listener", "m")).isZero();
    assertThat(gateway.counter(MetricNames.LISTENER_BYTES, "listener", "m", "direction", "in")).isEqualTo(4 * 1000);
    assertThat(gateway.counter(MetricNames.LISTENER_BYTES, "listener", "m", "direction", "out")).isEqualTo(4 * 1003);
    assertThat(gateway.timerCount(MetricNames.BACKEND_CONNECT, "pool", "p")).isEqualTo(4);
    assertThat(gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "m", "reason", "no_target")).isZero();
    assertThat(gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", backend.address())).isZero();

    String scrape = gateway.node().metrics().scrape();
    assertThat(scrape)
        .contains("archway_listener_connections_active{listener=\"m\"} 0.0")
        .contains("archway_listener_connections_total{listener=\"m\"} 4.0")
        .contains("archway_listener_bytes_total{direction=\"in\",listener=\"m\"} 4000.0")
        .contains("archway_listener_bytes_total{direction=\"out\",listener=\"m\"} 4012.0")
        .contains("# HELP archway_listener_bytes_total Bytes from clients (direction in) and to clients (direction out)")
        .contains("archway_listener_rejected_total{listener=\"m\",reason=\"connect_failed\"} 0.0")
        .contains("archway_backend_connect_seconds_bucket{pool=\"p\",le=\"0.005\"}")
        .contains("archway_backend_connect_seconds_count{pool=\"p\"} 4")
        .contains("archway_backend_connect_errors_total{pool=\"p\",target=\"" + backend.address() + "\"} 0.0")
        .contains("archway_listener_connections_closed_total{listener=\"m\",termination=\"client_close\"} 4.0")
        .contains("archway_accesslog_dropped_total 0.0");
  }

  @Test
  void accessLogLineCarriesTheContractFields() throws Exception {
    gateway.apply(config(listener("m", port, "p"), pool("p", backend.address())));
    long before = System.currentTimeMillis();
    int clientPort;
    try (Socket client = Streams.connect(port)) {
      clientPort = client.getLocalPort();
      Streams.write(client.getOutputStream(), "abc");
      assertThat(Streams.read(client.getInputStream(), 6)).isEqualTo("hi\nabc");
    }

    JsonObject line = gateway.awaitAccessLine(l -> true);
    assertThat(line.fieldNames()).containsExactlyInAnyOrder("time", "node", "listener", "client", "target", "pool",
        "bytesIn", "bytesOut", "connectMs", "durationMs", "termination");
    assertThat(line.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(java.time.Instant.parse(line.getString("time")).toEpochMilli()).isBetween(before - 1, before + 10_000);
    assertThat(line.getString("node")).isEqualTo(Gateway.NODE);
    assertThat(line.getString("listener")).isEqualTo("m");
    assertThat(line.getString("client")).isEqualTo("127.0.0.1:" + clientPort);
    assertThat(line.getString("target")).isEqualTo(backend.address());
    assertThat(line.getString("pool")).isEqualTo("p");
    assertThat(line.getLong("bytesIn")).isEqualTo(3);
    assertThat(line.getLong("bytesOut")).isEqualTo(6);
    assertThat(line.getDouble("connectMs")).isBetween(0.0, 2_000.0);
    assertThat(line.getDouble("durationMs")).isGreaterThanOrEqualTo(line.getDouble("connectMs"));
    assertThat(line.getString("termination")).isEqualTo("client_close");
  }

  @Test
  void aLongConnectionGetsInterimLinesWithItsBytesSoFarThenItsFinalLine() throws Exception {
    gateway.apply(config(listener("m", port, "p"), pool("p", backend.address()))
        .put("accessLog", new JsonObject().put("interval", "1s")));
    try (Socket client = Streams.connect(port)) {
      Streams.write(client.getOutputStream(), "abcd");
      assertThat(Streams.read(client.getInputStream(), 7)).isEqualTo("hi\nabcd");
      JsonObject open = gateway.awaitAccessLine(l -> "open".equals(l.getString("event")));
      assertThat(open.getLong("bytesIn")).isEqualTo(4);
      assertThat(open.getLong("bytesOut")).isEqualTo(7);
      assertThat(open.containsKey("termination")).isFalse();
      assertThat(open.getString("target")).isEqualTo(backend.address());
      assertThat(open.getDouble("durationMs")).isGreaterThanOrEqualTo(1000.0);
      Streams.write(client.getOutputStream(), "ef");
      assertThat(Streams.read(client.getInputStream(), 2)).isEqualTo("ef");
    }
    JsonObject last = gateway.awaitAccessLine("client_close");
    assertThat(last.getLong("bytesIn")).isEqualTo(6);
    assertThat(last.containsKey("event")).isFalse();
  }

  @Test
  void withoutAnIntervalOnlyTheFinalLineIsWritten() throws Exception {
    gateway.apply(config(listener("m", port, "p"), pool("p", backend.address())));
    try (Socket client = Streams.connect(port)) {
      assertThat(Streams.read(client.getInputStream(), 3)).isEqualTo("hi\n");
      Thread.sleep(1_500);
    }
    gateway.awaitAccessLine("client_close");
    assertThat(gateway.accessLog()).hasSize(1);
  }

  @Test
  void disabledAccessLogWritesNothing() throws Exception {
    gateway.apply(config(listener("m", port, "p"), pool("p", backend.address()))
        .put("accessLog", new JsonObject().put("enabled", false)));
    try (Socket client = Streams.connect(port)) {
      assertThat(Streams.read(client.getInputStream(), 3)).isEqualTo("hi\n");
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.counter(ListenerMeters.CLOSED, "listener", "m", "termination", "client_close") == 1);
    Thread.sleep(200);
    assertThat(gateway.accessLog()).isEmpty();
  }
}
