package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.cluster.NodeInfo;
import io.archway.core.testing.EchoBackend;
import io.archway.core.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node of three dies without a goodbye; the rest serve and take writes; a new node adopts the config. */
class NodeLossTest {

  @TempDir Path dir;
  private final Vertx backends = Vertx.vertx();
  private final List<GatewayNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).stop();
    backends.close().await();
  }

  @Test
  void theClusterOutlivesANodeKilledAbruptly() throws Exception {
    EchoBackend echo = EchoBackend.start(backends).await();
    int port = Ports.free();
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5");
    JsonObject firstDoc = docs.node(0, new JsonArray().add(NodeDocuments.tcpListener("a", port, "echo")),
        new JsonArray().add(NodeDocuments.pool("echo", echo.address())));
    nodes.add(GatewayNode.start(firstDoc, docs.file(0)).await());
    nodes.add(GatewayNode.start(docs.node(1, new JsonArray(), new JsonArray()), docs.file(1)).await());
    GatewayNode doomed = GatewayNode.start(docs.node(2, new JsonArray(), new JsonArray()), docs.file(2)).await();

    // Like a kill -9: Hazelcast drops out without telling its peers, and the node's sockets close.
    ((HazelcastClusterManager) ((VertxInternal) doomed.vertx()).clusterManager())
        .getHazelcastInstance().getLifecycleService().terminate();
    doomed.vertx().close();

    AdminClient admin = new AdminClient(firstDoc);
    long version = admin.write("PUT", "/api/pools/spare", NodeDocuments.pool("spare", echo.address()).encode());
    await().atMost(Duration.ofSeconds(15)).until(() ->
        nodes.stream().allMatch(n -> n.context().status().appliedVersion() == version));
    for (int i = 0; i < 2; i++) assertThat(LineClient.firstLine(docs.host(i), port, "still serving\n")).isEqualTo("still serving");

    GatewayNode newcomer = GatewayNode.start(docs.node(3, new JsonArray(), new JsonArray()), docs.file(3)).await();
    nodes.add(newcomer);
    assertThat(newcomer.context().status().appliedVersion()).isEqualTo(version);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(LineClient.firstLine(docs.host(3), port, "still serving\n")).isEqualTo("still serving"));
    // The dead node's registry entry expires on its own (TTL); the others stay listed.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(admin.get("/api/cluster").getJsonArray("nodes").stream()
            .map(n -> NodeInfo.fromJson((JsonObject) n).name()).toList())
            .containsExactly("node-1", "node-2", "node-4"));
  }
}
