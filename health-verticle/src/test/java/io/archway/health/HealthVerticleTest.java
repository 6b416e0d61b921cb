package io.archway.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.archway.core.bus.EventBusAddresses;
import io.archway.core.config.ConfigParser;
import io.archway.core.config.GatewayConfig;
import io.archway.core.health.HealthBoard;
import io.archway.core.health.TargetHealth;
import io.archway.core.metrics.MetricNames;
import io.archway.health.probe.ProbeOutcome;
import io.archway.core.node.NodeContext;
import io.archway.core.testing.EchoBackend;
import io.archway.core.testing.Ports;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthVerticleTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private Vertx vertx;
  private NodeContext node;
  private HealthBoard board;
  private HealthVerticle verticle;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    node = NodeContext.create("node-a");
    board = HealthBoard.open(vertx).await();
    vertx.eventBus().<JsonObject>consumer(EventBusAddresses.HEALTH_CHANGED, m -> events.add(m.body()))
        .completion().await();
    verticle = new HealthVerticle(node, board);
    vertx.deployVerticle(verticle).await();
  }

  @AfterEach
  void close() {
    // Probes stop before the backends do, so no probe races a closing server.
    if (vertx.deploymentIDs().contains(verticle.deploymentID())) vertx.undeploy(verticle.deploymentID()).await();
    vertx.close().await();
  }

  @Test
  void newTargetTurnsHealthyOnItsFirstSuccessfulProbeWithoutWaitingAnInterval() {
    EchoBackend backend = EchoBackend.start(vertx).await();
    // An hour between probes and five successes to recover: only the immediate first probe can do it.
    verticle.apply(config(pool("redis", "1h", 3, 5, target(backend.address())))).await();

    await().atMost(WAIT).until(() -> node.health().isHealthy("redis", backend.address()));
    assertThat(backend.connections()).isEqualTo(1);
  }

  @Test
  void targetIsUnhealthyInTheViewUntilItsFirstProbeSucceeds() {
    String dead = "127.0.0.1:" + Ports.closed();
    verticle.apply(config(pool("redis", "100ms", 1, 1, target(dead)))).await();

    assertThat(node.health().snapshot()).isEqualTo(Map.of("redis", Map.of(dead, TargetHealth.UNHEALTHY)));
    await().during(Duration.ofMillis(400)).atMost(WAIT).until(() -> !node.health().isHealthy("redis", dead));
    assertThat(events).isEmpty();
  }

  @Test
  void targetThatStopsAnsweringTurnsUnhealthyAfterThresholdFailuresAndHealthyAgainAfterThresholdSuccesses() {
    int port = Ports.free();
    String target = "127.0.0.1:" + port;
    AtomicInteger accepted = new AtomicInteger();
    NetServer server = listen(port, accepted);
    verticle.apply(config(pool("redis", "100ms", 3, 3, target(target)))).await();
    await().atMost(WAIT).until(() -> node.health().isHealthy("redis", target));

    server.close().await();
    long stopped = System.nanoTime();
    await().atMost(WAIT).until(() -> !node.health().isHealthy("redis", target));
    // Three failures 100ms apart cannot end sooner than 200ms after the server went away.
    assertThat(millisSince(stopped)).isGreaterThanOrEqualTo(190);

    accepted.set(0);
    listen(port, accepted);
    long restarted = System.nanoTime();
    await().atMost(WAIT).until(() -> node.health().isHealthy("redis", target));
    assertThat(millisSince(restarted)).isGreaterThanOrEqualTo(190);
    assertThat(accepted.get()).isGreaterThanOrEqualTo(3);

    await().atMost(WAIT).until(() -> events.size() == 3);
    assertThat(events).containsExactly(
        event("redis", target, "healthy"), event("redis", target, "unhealthy"), event("redis", target, "healthy"));
  }

  @Test
  void eachChangeIsPublishedWithNodePoolTargetAndState() {
    EchoBackend backend = EchoBackend.start(vertx).await();
    verticle.apply(config(pool("cache", "100ms", 1, 1, target(backend.address())))).await();

    await().atMost(WAIT).until(() -> events.size() == 1);
    assertThat(events.get(0)).isEqualTo(new JsonObject()
        .put("node", "node-a").put("pool", "cache").put("target", backend.address()).put("state", "healthy"));
  }

  @Test
  void gaugesCountHealthyUnhealthyAndDisabledTargetsOfEachPool() {
    EchoBackend live = EchoBackend.start(vertx).await();
    String dead = "127.0.0.1:" + Ports.closed();
    EchoBackend off = EchoBackend.start(vertx).await();
    verticle.apply(config(pool("redis", "100ms", 1, 1, target(live.address()), target(dead), disabled(off.address())),
        pool("cache", "100ms", 1, 1, target(dead)))).await();

    await().atMost(WAIT).until(() -> gauge("redis", "healthy") == 1);
    assertThat(gauge("redis", "unhealthy")).isEqualTo(1);
    assertThat(gauge("redis", "disabled")).isEqualTo(1);
    assertThat(gauge("cache", "healthy")).isEqualTo(0);
    assertThat(gauge("cache", "unhealthy")).isEqualTo(1);
    assertThat(gauge("cache", "disabled")).isEqualTo(0);
    assertThat(node.metrics().scrape())
        .contains("archway_pool_targets{pool=\"redis\",state=\"healthy\"} 1.0")
        .contains("archway_pool_targets{pool=\"redis\",state=\"unhealthy\"} 1.0")
        .contains("archway_pool_targets{pool=\"redis\",state=\"disabled\"} 1.0")
        .contains("archway_pool_targets{pool=\"cache\",state=\"unhealthy\"} 1.0");
  }

  @Test
  void disabledTargetIsNotProbedAndLeavesTheView() {
    EchoBackend enabled = EchoBackend.start(vertx).await();
    EchoBackend off = EchoBackend.start(vertx).await();
    verticle.apply(config(pool("redis", "100ms", 1, 1, target(enabled.address()), target(off.address())))).await();
    await().atMost(WAIT).until(() -> node.health().isHealthy("redis", off.address()));

    verticle.apply(config(pool("redis", "100ms", 1, 1, target(enabled.address()), disabled(off.address())))).await();
    // A probe already connecting when the apply landed may still arrive: count from one round later.
    int afterApply = enabled.connections();
    await().atMost(WAIT).until(() -> enabled.connections() >= afterApply + 1);
    int probesSoFar = off.connections();
    int enabledSoFar = enabled.connections();
    await().atMost(WAIT).until(() -> enabled.connections() >= enabledSoFar + 3);

    assertThat(off.connections()).isEqualTo(probesSoFar);
    assertThat(node.health().snapshot()).isEqualTo(Map.of("redis", Map.of(enabled.address(), TargetHealth.HEALTHY)));
  }

  @Test
  void targetThatStaysKeepsItsHealthWhenTheConfigChanges() {
    EchoBackend first = EchoBackend.start(vertx).await();
    String dead = "127.0.0.1:" + Ports.closed();
    verticle.apply(config(pool("redis", "1h", 3, 2, target(first.address())))).await();
    await().atMost(WAIT).until(() -> node.health().isHealthy("redis", first.address()));

    verticle.apply(config(pool("redis", "200ms", 2, 2, target(first.address()), target(dead)))).await();

    assertThat(node.health().get("redis", first.address())).isEqualTo(TargetHealth.HEALTHY);
    assertThat(node.health().get("redis", dead)).isEqualTo(TargetHealth.UNHEALTHY);
    assertThat(events).hasSize(1);
  }

  @Test
  void removedPoolLeavesTheViewTheBoardAndTheGauges() {
    EchoBackend backend = EchoBackend.start(vertx).await();
    verticle.apply(config(pool("redis", "100ms", 1, 1, target(backend.address())),
        pool("cache", "100ms", 1, 1, target(backend.address())))).await();
    await().atMost(WAIT).until(() -> node.health().isHealthy("cache", backend.address()));
    await().atMost(WAIT).until(() -> board.views().await().get("node-a").containsKey("cache"));

    verticle.apply(config(pool("redis", "100ms", 1, 1, target(backend.address())))).await();

    assertThat(node.health().snapshot()).containsOnlyKeys("redis");
    assertThat(node.metrics().registry().find(MetricNames.POOL_TARGETS).tag("pool", "cache").gauges()).isEmpty();
    assertThat(node.metrics().registry().find(MetricNames.POOL_TARGETS).tag("pool", "redis").gauges()).hasSize(3);
    assertThat(node.metrics().scrape()).doesNotContain("pool=\"cache\"");
    await().atMost(WAIT).until(() -> board.views().await().get("node-a")
        .equals(new JsonObject().put("redis", new JsonObject().put(backend.address(), "healthy"))));
  }

  @Test
  void boardCarriesThisNodesViewAndLosesItWhenTheVerticleStops() {
    EchoBackend backend = EchoBackend.start(vertx).await();
    String dead = "127.0.0.1:" + Ports.closed();
    verticle.apply(config(pool("redis", "100ms", 1, 1, target(backend.address()), target(dead)))).await();

    JsonObject expected = new JsonObject().put("redis",
        new JsonObject().put(backend.address(), "healthy").put(dead, "unhealthy"));
    await().atMost(WAIT).until(() -> expected.equals(board.views().await().get("node-a")));

    vertx.undeploy(verticle.deploymentID()).await();
    assertThat(board.views().await()).doesNotContainKey("node-a");
    assertThat(node.metrics().registry().find(MetricNames.POOL_TARGETS).gauges()).isEmpty();
  }

  @Test
  void applyBeforeDeployFailsSayingSo() {
    HealthVerticle notDeployed = new HealthVerticle(NodeContext.create("node-b"), board);
    assertThatThrownBy(() -> notDeployed.apply(config(pool("redis", "1s", 1, 1, target("127.0.0.1:1")))).await())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not running");
  }

  private NetServer listen(int port, AtomicInteger accepted) {
    NetServer server = vertx.createNetServer();
    server.connectHandler(socket -> {
      accepted.incrementAndGet();
      socket.close();
    });
    return server.listen(port, "127.0.0.1").await();
  }

  private double gauge(String pool, String state) {
    Gauge gauge = node.metrics().registry().find(MetricNames.POOL_TARGETS)
        .tags(MetricNames.TAG_POOL, pool, MetricNames.TAG_STATE, state).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  @Test
  void everyProbeIsCountedByResultAndTimedAndATargetsMetersLeaveWithIt() {
    EchoBackend live = EchoBackend.start(vertx).await();
    String dead = "127.0.0.1:" + Ports.closed();
    verticle.apply(config(pool("p", "100ms", 1, 1, target(live.address()), target(dead)))).await();

    await().atMost(WAIT).until(() -> results("p", live.address(), "success") >= 3 && results("p", dead, "failure") >= 3);
    assertThat(results("p", dead, "success")).isZero();
    assertThat(results("p", live.address(), "failure")).isZero();
    io.micrometer.core.instrument.Timer duration = node.metrics().registry().find(MetricNames.PROBE_DURATION)
        .tags("pool", "p", "target", live.address()).timer();
    assertThat(duration.count()).isGreaterThanOrEqualTo(3);
    assertThat(node.metrics().scrape())
        .contains("archway_probe_results_total{pool=\"p\",result=\"timeout\",target=\"" + dead + "\"} 0.0")
        .contains("archway_probe_duration_seconds_bucket{pool=\"p\",target=\"" + live.address() + "\",le=\"0.1\"}");

    verticle.apply(config(pool("p", "100ms", 1, 1, target(live.address())))).await();
    assertThat(node.metrics().registry().find(MetricNames.PROBE_RESULTS).tags("target", dead).counters()).isEmpty();
    assertThat(node.metrics().registry().find(MetricNames.PROBE_RESULTS).tags("target", live.address()).counters())
        .hasSize(ProbeOutcome.values().length);
  }

  @Test
  void anHttpProbeFollowsTheStatusTheTargetAnswers() {
    AtomicInteger status = new AtomicInteger(503);
    int port = vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(status.get()).end("x"))
        .listen(0, "127.0.0.1").await().actualPort();
    String target = "127.0.0.1:" + port;
    JsonObject pool = pool("web", "100ms", 1, 1, target(target));
    pool.getJsonObject("probe").put("type", "http").put("path", "/ready").put("expectStatus", new JsonArray().add(200));
    verticle.apply(config(pool)).await();

    await().atMost(WAIT).until(() -> results("web", target, "failure") >= 2);
    assertThat(node.health().isHealthy("web", target)).isFalse();
    status.set(200);
    await().atMost(WAIT).until(() -> node.health().isHealthy("web", target));
    assertThat(results("web", target, "success")).isGreaterThanOrEqualTo(1);
  }

  private double results(String pool, String target, String result) {
    var c = node.metrics().registry().find(MetricNames.PROBE_RESULTS)
        .tags("pool", pool, "target", target, "result", result).counter();
    return c == null ? 0 : c.count();
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  private static JsonObject event(String pool, String target, String state) {
    return new JsonObject().put("node", "node-a").put("pool", pool).put("target", target).put("state", state);
  }

  private static GatewayConfig config(JsonObject... pools) {
    return ConfigParser.parse(new JsonObject().put("pools", new JsonArray(List.of((Object[]) pools))), Path.of("."));
  }

  private static JsonObject pool(String name, String interval, int unhealthy, int healthy, JsonObject... targets) {
    return new JsonObject()
        .put("name", name)
        .put("targets", new JsonArray(List.of((Object[]) targets)))
        .put("probe", new JsonObject()
            .put("interval", interval)
            .put("timeout", "100ms")
            .put("unhealthyThreshold", unhealthy)
            .put("healthyThreshold", healthy));
  }

  private static JsonObject target(String address) {
    return new JsonObject().put("address", address);
  }

  private static JsonObject disabled(String address) {
    return target(address).put("state", "disabled");
  }
}
