package io.archway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.core.config.AdminConfig;
import io.archway.core.node.NodeContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminVerticleTest {

  private RunningAdmin admin;

  @BeforeEach
  void start() {
    admin = RunningAdmin.start(Optional.empty());
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  @Test
  void healthzAnswersUpWhileTheNodeRuns() {
    HttpResponse<String> response = admin.get("/healthz");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("status", "up"));

    HttpResponse<String> head = admin.send("HEAD", "/healthz");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void readyzIsStartingUntilAConfigIsAppliedThenReadyThenDraining() {
    assertThat(admin.get("/readyz").statusCode()).isEqualTo(503);
    assertThat(admin.send("HEAD", "/readyz").statusCode()).isEqualTo(503);
    assertThat(new JsonObject(admin.get("/readyz").body())).isEqualTo(new JsonObject().put("status", "starting"));

    admin.node.status().applied(1);
    HttpResponse<String> ready = admin.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body())).isEqualTo(new JsonObject().put("status", "ready"));

    admin.node.status().draining();
    HttpResponse<String> draining = admin.get("/readyz");
    assertThat(draining.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(draining.body())).isEqualTo(new JsonObject().put("status", "draining"));
    assertThat(admin.get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsScrapesTheNodesRegistryInPrometheusTextFormat() {
    admin.node.metrics().registry().counter("archway.test.scrapes", "pool", "redis").increment(3);

    HttpResponse<String> response = admin.get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE archway_test_scrapes_total counter")
        .contains("archway_test_scrapes_total{pool=\"redis\"} 3.0");
  }

  @Test
  void dashboardNamesTheNodeAndLinksTheApi() {
    HttpResponse<String> response = admin.get("/");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
        csp -> assertThat(csp).startsWith("default-src 'none'"));
    assertThat(response.body())
        .contains("<strong>node-a</strong>")
        .contains("href=\"/api/cluster\"")
        .contains("href=\"/api/health\"")
        .contains("href=\"/metrics\"")
        .doesNotContain("{{node}}")
        .doesNotContain("http://")
        .doesNotContain("https://");
  }

  @Test
  void unknownPathIs404WithAJsonError() {
    HttpResponse<String> response = admin.get("/api/nothing");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(response.body()))
        .isEqualTo(new JsonObject().put("error", "no such admin path: /api/nothing"));
  }

  @Test
  void wrongMethodOnAReadOnlyPathIs405WithAJsonError() {
    HttpResponse<String> response = admin.send("POST", "/healthz");
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("POST is not allowed on /healthz");
  }

  @Test
  void startFailsNamingThePortWhenItIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      AdminVerticle second = new AdminVerticle(NodeContext.create("node-b"),
          new AdminConfig("127.0.0.1", port, Optional.empty()), admin.store, admin.writer, admin.registry, admin.board);

      assertThatThrownBy(() -> admin.vertx.deployVerticle(second).await())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("admin API cannot listen on 127.0.0.1:" + port + ": ")
          .hasMessageEndingWith("(another process on port " + port + "? set admin.port or --admin-port)");
    }
  }

  @Test
  void refusesToStartBeyondLoopbackWithoutAToken() {
    Vertx vertx = admin.vertx;
    AdminVerticle exposed = new AdminVerticle(NodeContext.create("node-b"),
        new AdminConfig("0.0.0.0", 0, Optional.empty()), admin.store, admin.writer, admin.registry, admin.board);

    assertThatThrownBy(() -> vertx.deployVerticle(exposed).await())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("admin.host: 0.0.0.0 is not a loopback address; set admin.token to expose the admin API "
            + "beyond this machine");
    assertThat(exposed.port()).isZero();
  }

  @Test
  void stopsListeningWhenUndeployed() {
    int port = admin.verticle.port();
    admin.vertx.undeploy(admin.verticle.deploymentID()).await();

    // The port is free again: binding it works, within a moment (the undeploy completes as the server's
    // close is under way; in CI its socket was seen still bound right after). Not a connect that must
    // fail: to a freed port in the ephemeral range, a loopback connect can pick that very port as its own.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .pollInterval(java.time.Duration.ofMillis(50))
        .until(() -> bindable(port));
  }

  private static boolean bindable(int port) {
    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
