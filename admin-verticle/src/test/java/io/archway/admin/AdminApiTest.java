package io.archway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.cluster.NodeInfo;
import io.archway.core.health.TargetHealth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminApiTest {

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
  void configIs503UntilTheClusterHasOne() {
    HttpResponse<String> response = admin.get("/api/config");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("ETag")).isEmpty();
    assertThat(new JsonObject(response.body()))
        .isEqualTo(new JsonObject().put("error", "no config has been published to the cluster yet"));
  }

  @Test
  void configIsTheRedactedDocumentWithItsVersionAsETag() {
    admin.store.publishIfAbsent(document("hunter2")).await();
    admin.store.replace(document("hunter3"), 1).await();

    HttpResponse<String> response = admin.get("/api/config");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("ETag")).hasValue("\"2\"");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    JsonObject expected = document("***");
    assertThat(new JsonObject(response.body())).isEqualTo(expected);
    assertThat(response.body()).doesNotContain("hunter");
  }

  @Test
  void configAnswers304WhenIfNoneMatchCarriesTheCurrentVersion() {
    admin.store.publishIfAbsent(document("hunter2")).await();

    HttpResponse<String> same = admin.get("/api/config", "If-None-Match", "\"1\"");
    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(same.headers().firstValue("ETag")).hasValue("\"1\"");

    assertThat(admin.get("/api/config", "If-None-Match", "\"0\"").statusCode()).isEqualTo(200);
  }

  @Test
  void oneEntryOfTheConfigIsRedactedToo() {
    admin.store.publishIfAbsent(document("hunter2")).await();

    HttpResponse<String> cert = admin.get("/api/certificates/bundle");
    assertThat(cert.statusCode()).isEqualTo(200);
    assertThat(cert.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(new JsonObject(cert.body()))
        .isEqualTo(new JsonObject().put("name", "bundle").put("pkcs12", "/etc/archway/web.p12").put("password", "***"));

    HttpResponse<String> pool = admin.get("/api/pools/redis");
    assertThat(pool.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(pool.body()).getString("name")).isEqualTo("redis");

    HttpResponse<String> missing = admin.get("/api/pools/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()))
        .isEqualTo(new JsonObject().put("error", "config version 1 has no pool named 'nope'"));
  }

  @Test
  void healthShowsEachTargetAsEveryNodeSeesIt() {
    admin.board.put("node-b", Map.of("redis", Map.of("10.0.0.5:6379", TargetHealth.UNHEALTHY))).await();
    admin.board.put("node-a", Map.of(
        "redis", Map.of("10.0.0.5:6379", TargetHealth.HEALTHY, "10.0.0.6:6379", TargetHealth.UNHEALTHY),
        "cache", Map.of("10.0.0.7:11211", TargetHealth.HEALTHY))).await();

    HttpResponse<String> response = admin.get("/api/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject()
        .put("pools", new JsonObject()
            .put("cache", new JsonObject()
                .put("10.0.0.7:11211", new JsonObject().put("node-a", "healthy")))
            .put("redis", new JsonObject()
                .put("10.0.0.5:6379", new JsonObject().put("node-a", "healthy").put("node-b", "unhealthy"))
                .put("10.0.0.6:6379", new JsonObject().put("node-a", "unhealthy"))))
        .put("nodes", new JsonArray().add("node-a").add("node-b")));
  }

  @Test
  void healthIsEmptyBeforeAnyNodeReports() {
    HttpResponse<String> response = admin.get("/api/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()))
        .isEqualTo(new JsonObject().put("pools", new JsonObject()).put("nodes", new JsonArray()));
  }

  @Test
  void clusterListsTheNodesAndTheCurrentConfigVersion() {
    assertThat(new JsonObject(admin.get("/api/cluster").body()))
        .isEqualTo(new JsonObject().put("nodes", new JsonArray()).put("configVersion", 0));

    admin.store.publishIfAbsent(document("x")).await();
    admin.store.replace(document("y"), 1).await();
    admin.registry.put(new NodeInfo("node-b", "127.0.0.3:9090", 1, "ready", "version 2: 0.0.0.0:6380 is in use")).await();
    admin.registry.put(new NodeInfo("node-a", "127.0.0.2:9090", 2, "ready", null)).await();

    HttpResponse<String> response = admin.get("/api/cluster");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject()
        .put("nodes", new JsonArray()
            .add(new JsonObject().put("name", "node-a").put("admin", "127.0.0.2:9090")
                .put("appliedVersion", 2).put("state", "ready"))
            .add(new JsonObject().put("name", "node-b").put("admin", "127.0.0.3:9090")
                .put("appliedVersion", 1).put("state", "ready").put("error", "version 2: 0.0.0.0:6380 is in use")))
        .put("configVersion", 2));
  }

  private static JsonObject document(String password) {
    return new JsonObject()
        .put("listeners", new JsonArray().add(new JsonObject()
            .put("name", "redis").put("protocol", "tcp").put("port", 6380).put("pool", "redis")))
        .put("pools", new JsonArray().add(new JsonObject()
            .put("name", "redis").put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:6379")))))
        .put("certificates", new JsonArray().add(new JsonObject()
            .put("name", "bundle").put("pkcs12", "/etc/archway/web.p12").put("password", password)));
  }
}
