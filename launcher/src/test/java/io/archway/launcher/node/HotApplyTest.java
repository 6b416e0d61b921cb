package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.EchoBackend;
import io.archway.core.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes on 127.0.0.2-4: config writes through one node's admin API reach every node, and a
 * connection streaming through a listener the changes do not concern loses not one byte.
 */
class HotApplyTest {

  @TempDir Path dir;
  private final Vertx backends = Vertx.vertx();
  private final List<GatewayNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).stop();
    backends.close().await();
  }

  @Test
  void changesReachEveryNodeWithoutTouchingUnrelatedConnections() throws Exception {
    EchoBackend echo = EchoBackend.start(backends).await();
    EchoBackend other = EchoBackend.start(backends, "127.0.0.1", "other\n").await();
    int portA = Ports.free();
    int portB = Ports.free();
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2", "127.0.0.3", "127.0.0.4");
    JsonArray listeners = new JsonArray().add(NodeDocuments.tcpListener("a", portA, "echo"));
    JsonArray pools = new JsonArray().add(NodeDocuments.pool("echo", echo.address()));
    JsonObject firstDoc = docs.node(0, listeners, pools);
    nodes.add(GatewayNode.start(firstDoc, docs.file(0)).await());
    for (int i = 1; i < 3; i++) nodes.add(GatewayNode.start(docs.node(i, new JsonArray(), new JsonArray()), docs.file(i)).await());
    AdminClient admin = new AdminClient(firstDoc);

    // Node 2 relays once its own probe found the target healthy (before that: no_target, and a stream
    // opened then would be closed at once): wait for an echo through it first.
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
        assertThat(LineClient.firstLine(docs.host(2), portA, "ready?\n")).isEqualTo("ready?"));
    try (StreamingClient stream = retrying(() -> new StreamingClient(docs.host(2), portA))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.received() > 256 * 1024);

      converge("add pool c", admin.write("PUT", "/api/pools/c", NodeDocuments.pool("c", other.address()).encode()));
      converge("add listener b", admin.write("PUT", "/api/listeners/b",
          NodeDocuments.tcpListener("b", portB, "c").encode()));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(LineClient.firstLine(docs.host(1), portB, null)).isEqualTo("other"));
      converge("change pool c", admin.write("PUT", "/api/pools/c",
          NodeDocuments.pool("c", other.address()).put("connectTimeout", "2s").put("retries", 0).encode()));
      converge("remove listener b", admin.write("DELETE", "/api/listeners/b", null));
      converge("remove pool c", admin.write("DELETE", "/api/pools/c", null));
      // The first node's own document sent back whole, its admin, node and cluster sections included,
      // with listener b added to it: those sections are that node's, so the write is taken.
      JsonObject whole = firstDoc.copy();
      whole.getJsonArray("listeners").add(NodeDocuments.tcpListener("b", portB, "echo"));
      converge("the first node's file back with listener b", admin.write("PUT", "/api/config", whole.encode()));
      assertThat(LineClient.firstLine(docs.host(2), portB, "whole\n")).isEqualTo("whole");

      long before = stream.received();
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.received() > before + 256 * 1024);
      assertThat(stream.finish()).as("the stream through listener a").isNull();
      System.out.printf("streamed %d bytes each way through listener a during 6 config changes%n", stream.sent());
    }
  }

  @Test
  void aChangeThatFailsOnOneNodeIsReportedThereWhileItKeepsServing() throws Exception {
    EchoBackend echo = EchoBackend.start(backends).await();
    int portA = Ports.free();
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2", "127.0.0.3");
    JsonObject firstDoc = docs.node(0, new JsonArray().add(NodeDocuments.tcpListener("a", portA, "echo")),
        new JsonArray().add(NodeDocuments.pool("echo", echo.address())));
    nodes.add(GatewayNode.start(firstDoc, docs.file(0)).await());
    nodes.add(GatewayNode.start(docs.node(1, new JsonArray(), new JsonArray()), docs.file(1)).await());
    AdminClient admin = new AdminClient(firstDoc);

    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(docs.host(1)))) {
      int port = taken.getLocalPort();
      long version = admin.write("PUT", "/api/listeners/d", NodeDocuments.tcpListener("d", port, "echo").encode());

      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        JsonObject cluster = admin.get("/api/cluster");
        JsonObject second = cluster.getJsonArray("nodes").getJsonObject(1);
        assertThat(second.getString("name")).isEqualTo("node-2");
        assertThat(second.getLong("appliedVersion")).isEqualTo(version - 1);
        assertThat(second.getString("error")).contains("listener 'd'", String.valueOf(port));
        assertThat(cluster.getJsonArray("nodes").getJsonObject(0).getLong("appliedVersion")).isEqualTo(version);
      });
      // Its last good config still serves.
      assertThat(LineClient.firstLine(docs.host(1), portA, "still here\n")).isEqualTo("still here");
    }
    long fixed = admin.write("DELETE", "/api/listeners/d", null);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(nodes.get(1).context().status().appliedVersion()).isEqualTo(fixed));
    assertThat(nodes.get(1).context().status().lastError()).isNull();
    assertThat(nodes.get(1).context().metrics().scrape())
        .contains("archway_config_applies_total{result=\"ok\"} 2.0")
        .containsPattern("archway_config_applies_total\\{result=\"failed\"} [1-9]");
  }

  /** Waits until every node applied {@code version} and prints how long that took. */
  private void converge(String change, long version) {
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).until(() ->
        nodes.stream().allMatch(n -> n.context().status().appliedVersion() >= version));
    System.out.printf("%s: version %d applied on %d nodes in %d ms%n", change, version, nodes.size(),
        (System.nanoTime() - start) / 1_000_000);
  }

  private interface Opening<T> {
    T open() throws Exception;
  }

  private static <T> T retrying(Opening<T> opening) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try {
        return opening.open();
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) throw e;
        Thread.sleep(100);
      }
    }
  }
}
