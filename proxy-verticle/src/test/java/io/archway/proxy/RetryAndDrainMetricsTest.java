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
import io.micrometer.core.instrument.LongTaskTimer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries, redispatches and connections in drain, as the metrics count them. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetryAndDrainMetricsTest {

  private final int port = Ports.free();
  private TcpBackend backend;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    backend = TcpBackend.banner("hi\n");
    gateway = Gateway.start();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    backend.close();
  }

  @Test
  void everyAttemptAfterAFailedConnectIsARetryAndEachSavedClientARedispatch() throws Exception {
    String dead = "127.0.0.1:" + Ports.closed();
    gateway.healthy("p", dead, backend.address());
    // Round robin from the first target: each instance's first client tries the dead one first.
    gateway.apply(config(listener("m", port, "p"), pool("p", dead, backend.address())));
    for (int i = 0; i < 4; i++) {
      try (Socket client = Streams.connect(port)) {
        assertThat(Streams.read(client.getInputStream(), 3)).isEqualTo("hi\n");
      }
    }
    double errors = gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", dead);
    assertThat(errors).isBetween(1.0, 4.0);
    assertThat(gateway.counter(MetricNames.BACKEND_RETRIES, "pool", "p")).isEqualTo(errors);
    assertThat(gateway.counter(MetricNames.BACKEND_REDISPATCHES, "pool", "p")).isEqualTo(errors);
    assertThat(gateway.timerCount(MetricNames.BACKEND_CONNECT, "pool", "p")).isEqualTo(4);
  }

  @Test
  void aClientWhoseRetriesAllFailIsARetryButNoRedispatch() throws Exception {
    String dead1 = "127.0.0.1:" + Ports.closed();
    String dead2 = "127.0.0.1:" + Ports.closed();
    gateway.healthy("p", dead1, dead2);
    gateway.apply(config(listener("m", port, "p"), pool("p", dead1, dead2).put("retries", 1)));
    try (Socket client = Streams.connect(port)) {
      assertThat(Streams.closedByPeer(client)).isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() ->
        gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "m", "reason", "connect_failed") == 1);
    assertThat(gateway.counter(MetricNames.BACKEND_RETRIES, "pool", "p")).isEqualTo(1);
    assertThat(gateway.counter(MetricNames.BACKEND_REDISPATCHES, "pool", "p")).isZero();
  }

  @Test
  void connectionsUnderATargetDrainAreCountedUntilTheTargetIsEnabledAgain() throws Exception {
    gateway.healthy("p", backend.address());
    gateway.apply(withTarget("enabled"));
    try (Socket client = Streams.connect(port)) {
      assertThat(Streams.read(client.getInputStream(), 3)).isEqualTo("hi\n");
      gateway.apply(withTarget("draining"));
      assertThat(draining("m", "target")).isEqualTo(1);
      assertThat(gateway.node().metrics().scrape())
          .contains("archway_drain_connections_seconds_count{kind=\"target\",listener=\"m\"} 1");
      gateway.apply(withTarget("enabled"));
      assertThat(draining("m", "target")).isZero();
    }
  }

  @Test
  void connectionsOfAStoppedListenerAreCountedUntilTheyEnd() throws Exception {
    gateway.healthy("p", backend.address());
    gateway.apply(withTarget("enabled"));
    Socket client = Streams.connect(port);
    try {
      assertThat(Streams.read(client.getInputStream(), 3)).isEqualTo("hi\n");
      // The listener leaves the config: it stops accepting, and its connection drains for 30s.
      gateway.apply(new JsonObject().put("pools", new JsonArray().add(pool("p", backend.address()))));
      assertThat(draining("m", "listener")).isEqualTo(1);
    } finally {
      client.close();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> draining("m", "listener") == 0);
  }

  private JsonObject withTarget(String state) {
    JsonObject pool = pool("p").put("drainTimeout", "30s").put("targets", new JsonArray()
        .add(new JsonObject().put("address", backend.address()).put("state", state)));
    return config(listener("m", port, "p"), pool);
  }

  private int draining(String listener, String kind) {
    LongTaskTimer timer = gateway.registry().find(MetricNames.DRAINING_CONNECTIONS)
        .tags("listener", listener, "kind", kind).longTaskTimer();
    return timer == null ? 0 : timer.activeTasks();
  }
}
