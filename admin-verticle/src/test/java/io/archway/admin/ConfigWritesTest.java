package io.archway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.bus.EventBusAddresses;
import io.archway.core.testing.TestPki;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config writes through the admin API and the event bus: validate, compare-and-set, announce. */
class ConfigWritesTest {

  private static final String YAML = """
      listeners:
        - name: redis
          host: 127.0.0.1
          port: 6380
          pool: redis
      pools:
        - name: redis
          targets: [{address: "127.0.0.1:6379"}]
      """;

  private RunningAdmin admin;
  private final List<JsonObject> announced = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    admin = RunningAdmin.start(Optional.empty());
    admin.vertx.eventBus().<JsonObject>consumer(EventBusAddresses.CONFIG_CHANGED, m -> announced.add(m.body()));
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  private HttpResponse<String> put(String path, String body, String... headers) {
    return admin.sendBody("PUT", path, body, headers);
  }

  private JsonObject current() {
    return admin.store.current().await().config();
  }

  @Test
  void aYamlConfigIsCommittedAsTheNextVersionAndAnnounced() {
    HttpResponse<String> response = put("/api/config", YAML);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("version", 1));
    assertThat(response.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(current().getJsonArray("listeners").getJsonObject(0).getString("name")).isEqualTo("redis");

    assertThat(put("/api/config", current().encode()).statusCode()).isEqualTo(200);
    assertThat(admin.store.current().await().version()).isEqualTo(2);
    org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(announced)
        .containsExactly(new JsonObject().put("version", 1), new JsonObject().put("version", 2)));
  }

  @Test
  void aBodyIsConfigTextWhateverItsContentTypeSays() {
    // curl --data-binary @file labels the file a form; past 1 KiB a form decoder would refuse it.
    String big = YAML + "#" + "x".repeat(4096) + "\n";
    HttpResponse<String> form = put("/api/config", big, "Content-Type", "application/x-www-form-urlencoded");
    assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
    HttpResponse<String> entry = put("/api/pools/cache", "targets: [{address: '127.0.0.1:11211'}]\n#" + "x".repeat(2048),
        "Content-Type", "application/x-www-form-urlencoded");
    assertThat(entry.statusCode()).as(entry.body()).isEqualTo(200);
    HttpResponse<String> multipart = put("/api/config", big, "Content-Type", "multipart/form-data; boundary=x");
    assertThat(multipart.statusCode()).as(multipart.body()).isEqualTo(200);
    assertThat(admin.store.current().await().version()).isEqualTo(3);
  }

  @Test
  void anInvalidConfigIs400WithEveryProblemAndChangesNothing() {
    put("/api/config", YAML);
    HttpResponse<String> response = put("/api/config", """
        admin: {port: 1}
        listeners:
          - {name: redis, port: 99999, pool: nowhere}
        pools: []
        """);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getJsonArray("problems")).containsExactlyInAnyOrder(
        new JsonObject().put("path", "admin.port").put("message", "differs from this node's own setting; admin "
            + "belongs to each node's config file (and options) and changes there, at the node's restart: send it "
            + "unchanged or leave it out"),
        new JsonObject().put("path", "listeners[0].port").put("message", "99999 is not a port (1-65535)"),
        new JsonObject().put("path", "listeners[0].pool").put("message", "no pool named 'nowhere' (pools: [])"));
    assertThat(admin.store.current().await().version()).isEqualTo(1);
    assertThat(put("/api/config", "listeners: [").statusCode()).isEqualTo(400);
  }

  @Test
  void theNodesOwnSectionsMayComeBackUnchangedAndAreNotStored() {
    // The node's own file sent back with a listener changed: its admin and node sections are this node's
    // (${ADMIN_PORT} read as in the file), so the write is taken, and only the shared part is stored.
    HttpResponse<String> same = put("/api/config", """
        admin:
          host: 127.0.0.1
          port: ${ADMIN_PORT}
        node: {name: node-a}
        """ + YAML);
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    assertThat(current().fieldNames()).containsExactlyInAnyOrder("listeners", "pools", "certificates");

    HttpResponse<String> changed = put("/api/config", """
        admin: {port: 19090, token: secret-token}
        node: {name: node-b, stateDir: ./state}
        cluster: {port: 5701}
        accessLog: {enabled: false, colour: blue}
        """ + YAML);
    assertThat(changed.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(changed.body()).getJsonArray("problems").stream()
        .map(p -> ((JsonObject) p).getString("path"))).containsExactlyInAnyOrder(
            "admin.token", "node.name", "accessLog.enabled", "accessLog.colour");
    assertThat(changed.body()).doesNotContain("secret-token");
    assertThat(admin.store.current().await().version()).isEqualTo(1);
  }

  @Test
  void aRedactedPasswordWrittenBackKeepsTheCurrentOne(@TempDir Path dir) throws Exception {
    Path p12 = dir.resolve("web.p12");
    TestPki.writePkcs12(TestPki.create("writes").issue("web.example.com"), p12, "s3cret");
    JsonObject bundle = new JsonObject().put("name", "bundle").put("pkcs12", p12.toString());
    JsonObject config = new JsonObject()
        .put("listeners", new JsonArray()).put("pools", new JsonArray())
        .put("certificates", new JsonArray().add(bundle.copy().put("password", "s3cret")));
    assertThat(put("/api/config", config.encode()).statusCode()).isEqualTo(200);

    // What GET shows, with a pool added, goes back as it is: the password stays.
    JsonObject shown = new JsonObject(admin.get("/api/config").body());
    assertThat(shown.getJsonArray("certificates").getJsonObject(0).getString("password")).isEqualTo("***");
    shown.getJsonArray("pools").add(new JsonObject().put("name", "cache")
        .put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:11211"))));
    HttpResponse<String> back = put("/api/config", shown.encode());
    assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    assertThat(current().getJsonArray("certificates").getJsonObject(0).getString("password")).isEqualTo("s3cret");

    // So does one entry written back.
    String entry = admin.get("/api/certificates/bundle").body();
    assertThat(put("/api/certificates/bundle", entry).statusCode()).isEqualTo(200);
    assertThat(current().getJsonArray("certificates").getJsonObject(0).getString("password")).isEqualTo("s3cret");

    // A placeholder for a certificate that has no password yet is a problem, not a password.
    HttpResponse<String> unknown = put("/api/certificates/other", new JsonObject()
        .put("pkcs12", p12.toString()).put("password", "***").encode());
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unknown.body()).getJsonArray("problems")).containsExactly(new JsonObject()
        .put("path", "certificates[1].password").put("message", "'***' stands for the password the cluster's "
            + "config already has for certificate 'other', and it has none; send the password"));
    assertThat(admin.store.current().await().version()).isEqualTo(3);
  }

  @Test
  void aStaleIfMatchIs412AndTwoConcurrentWritersNeverBothWin() throws Exception {
    put("/api/config", YAML);
    put("/api/config", YAML);
    HttpResponse<String> stale = put("/api/config", YAML, "If-Match", "\"1\"");
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(new JsonObject(stale.body()).getLong("version")).isEqualTo(2);

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<HttpResponse<String>>> writers = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 4; i++) {
        writers.add(pool.submit(() -> put("/api/config", YAML, "If-Match", "\"2\"")));
      }
      List<Integer> codes = new CopyOnWriteArrayList<>();
      for (Future<HttpResponse<String>> w : writers) codes.add(w.get().statusCode());
      assertThat(codes).containsOnly(200, 412).filteredOn(c -> c == 200).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(admin.store.current().await().version()).isEqualTo(3);
  }

  @Test
  void entriesArePutAndDeletedByName() {
    put("/api/config", YAML);
    HttpResponse<String> added = put("/api/pools/cache", "targets: [{address: '127.0.0.1:11211'}]");
    assertThat(added.statusCode()).isEqualTo(200);
    assertThat(current().getJsonArray("pools").stream().map(p -> ((JsonObject) p).getString("name")))
        .containsExactly("redis", "cache");

    HttpResponse<String> renamed = put("/api/pools/cache", "{\"name\":\"other\",\"targets\":[]}");
    assertThat(renamed.statusCode()).isEqualTo(400);

    HttpResponse<String> inUse = admin.send("DELETE", "/api/pools/redis");
    assertThat(inUse.statusCode()).isEqualTo(400);
    assertThat(inUse.body()).contains("listeners[0].pool", "no pool named 'redis'");

    assertThat(admin.send("DELETE", "/api/pools/cache").statusCode()).isEqualTo(200);
    HttpResponse<String> missing = admin.send("DELETE", "/api/pools/cache");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("config version 3 has no pool named 'cache'");
  }

  @Test
  void drainingATargetSetsItsStateClusterWide() {
    put("/api/config", YAML);
    HttpResponse<String> response = admin.send("POST", "/api/pools/redis/targets/127.0.0.1:6379/drain");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(current().getJsonArray("pools").getJsonObject(0).getJsonArray("targets").getJsonObject(0)
        .getString("state")).isEqualTo("draining");
    assertThat(admin.send("POST", "/api/pools/redis/targets/127.0.0.1:1/drain").statusCode()).isEqualTo(404);
    assertThat(admin.send("POST", "/api/pools/nope/targets/127.0.0.1:6379/drain").statusCode()).isEqualTo(404);
  }

  @Test
  void theEventBusAppliesAConfigAndRepliesWithTheVersion() {
    JsonObject config = new JsonObject()
        .put("listeners", new JsonArray())
        .put("pools", new JsonArray().add(new JsonObject().put("name", "p")
            .put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:1")))));
    JsonObject reply = admin.vertx.eventBus()
        .<JsonObject>request(EventBusAddresses.CONFIG_APPLY, new JsonObject().put("config", config)).await().body();
    assertThat(reply).isEqualTo(new JsonObject().put("version", 1));

    Throwable failure = admin.vertx.eventBus().request(EventBusAddresses.CONFIG_APPLY,
        new JsonObject().put("config", new JsonObject().put("pools", "none")))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(400);
      assertThat(new JsonObject(e.getMessage()).getJsonArray("problems").getJsonObject(0).getString("path"))
          .isEqualTo("pools");
    });

    Throwable stale = admin.vertx.eventBus().request(EventBusAddresses.CONFIG_APPLY,
        new JsonObject().put("config", config).put("expectedVersion", 7))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(stale).isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(412));
  }
}
