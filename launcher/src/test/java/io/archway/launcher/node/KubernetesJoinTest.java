package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.cluster.NodeInfo;
import io.archway.core.cluster.NodeRegistry;
import io.archway.core.testing.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes join without a cluster: Hazelcast's DNS lookup pointed at {@code localhost}, which
 * resolves to 127.0.0.1 as a headless Service resolves to its pods. Like pods, both nodes use one
 * Hazelcast port on addresses of their own; the first finds only itself, the second finds the first.
 */
class KubernetesJoinTest {

  @TempDir Path dir;
  private GatewayNode first;
  private GatewayNode second;

  @AfterEach
  void stop() {
    if (second != null) second.stop();
    if (first != null) first.stop();
  }

  private JsonObject node(String name, String host, int clusterPort) {
    return new JsonObject()
        .put("admin", new JsonObject().put("host", host).put("port", Ports.free()))
        .put("node", new JsonObject().put("name", name).put("stateDir", dir.resolve(name).toString()))
        .put("cluster", new JsonObject().put("join", "kubernetes").put("serviceDns", "localhost")
            .put("host", host).put("port", clusterPort))
        .put("accessLog", new JsonObject().put("enabled", false))
        .put("listeners", new JsonArray())
        .put("pools", new JsonArray());
  }

  @Test
  void nodesFindEachOtherThroughTheServiceDnsName() {
    int clusterPort = Ports.free();
    first = GatewayNode.start(node("pod-a", "127.0.0.1", clusterPort), dir.resolve("pod-a.yaml")).await();
    second = GatewayNode.start(node("pod-b", "127.0.0.2", clusterPort), dir.resolve("pod-b.yaml")).await();

    // One cluster: the second node adopted the config the first published, and both are registered.
    assertThat(second.context().status().appliedVersion()).isEqualTo(1);
    NodeRegistry registry = NodeRegistry.open(first.vertx()).await();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(registry.nodes().await()).extracting(NodeInfo::name).containsExactlyInAnyOrder("pod-a", "pod-b"));
  }
}
