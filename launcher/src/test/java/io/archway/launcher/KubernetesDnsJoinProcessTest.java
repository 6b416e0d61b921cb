package io.archway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real launcher processes configured the way k8s/base/deployment.yaml configures a pod: only by
 * environment variables (ARCHWAY_CLUSTER_JOIN=kubernetes, ...), one Hazelcast port, an address each.
 * A hosts file (the JDK's {@code jdk.net.hosts.file}) stands in for cluster DNS: the "headless Service"
 * name has one A record per node, as CoreDNS answers for the pods behind a headless Service.
 */
class KubernetesDnsJoinProcessTest {

  private static final String SERVICE_DNS = "archway-hazelcast.archway.svc.cluster.local";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  @Test
  void podsConfiguredByEnvironmentJoinThroughTheServiceName() throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, String.join("\n",
        "127.0.0.1 localhost " + InetAddress.getLocalHost().getHostName(),
        "127.0.0.2 " + SERVICE_DNS,
        "127.0.0.3 " + SERVICE_DNS, ""));
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, "listeners: []\npools: []\n");
    int clusterPort = Ports.free();
    int adminA = Ports.free();
    int adminB = Ports.free();

    try (NodeProcess a = pod("pod-a", "127.0.0.2", clusterPort, adminA, hosts, config)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> NodeProcess.status(adminA, "/readyz") == 200);
      try (NodeProcess b = pod("pod-b", "127.0.0.3", clusterPort, adminB, hosts, config)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> NodeProcess.status(adminB, "/readyz") == 200);
        for (int admin : new int[] {adminA, adminB}) {
          await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
              assertThat(nodeNames(admin)).containsExactlyInAnyOrder("pod-a", "pod-b"));
        }
        // A pod leaves as on a rolling update: SIGTERM, drain, exit 0; the other serves on alone.
        b.process.destroy();
        assertThat(b.waitFor(Duration.ofSeconds(30))).as(b.stderrText()).isZero();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(nodeNames(adminA)).containsExactly("pod-a"));
      }
      a.process.destroy();
      assertThat(a.waitFor(Duration.ofSeconds(30))).as(a.stderrText()).isZero();
    }
  }

  @Test
  void podsThatStartedApartMergeOnceTheyFindEachOther() throws Exception {
    // Each pod's first lookup finds only itself, as when pods of a first deploy start together.
    Path hostsA = dir.resolve("hosts-a");
    Path hostsB = dir.resolve("hosts-b");
    String local = "127.0.0.1 localhost " + InetAddress.getLocalHost().getHostName() + "\n";
    Files.writeString(hostsA, local + "127.0.0.2 " + SERVICE_DNS + "\n");
    Files.writeString(hostsB, local + "127.0.0.3 " + SERVICE_DNS + "\n");
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, "listeners: []\npools: []\n");
    int clusterPort = Ports.free();
    int adminA = Ports.free();
    int adminB = Ports.free();

    try (NodeProcess a = pod("pod-a", "127.0.0.2", clusterPort, adminA, hostsA, config);
         NodeProcess b = pod("pod-b", "127.0.0.3", clusterPort, adminB, hostsB, config)) {
      await().atMost(Duration.ofSeconds(60)).until(() ->
          NodeProcess.status(adminA, "/readyz") == 200 && NodeProcess.status(adminB, "/readyz") == 200);
      assertThat(nodeNames(adminA)).containsExactly("pod-a");
      assertThat(nodeNames(adminB)).containsExactly("pod-b");

      // Now the name lists both, as it does once the endpoints are published.
      String both = local + "127.0.0.2 " + SERVICE_DNS + "\n127.0.0.3 " + SERVICE_DNS + "\n";
      Files.writeString(hostsA, both);
      Files.writeString(hostsB, both);
      for (int admin : new int[] {adminA, adminB}) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
            assertThat(nodeNames(admin)).containsExactlyInAnyOrder("pod-a", "pod-b"));
      }
      assertThat(NodeProcess.status(adminA, "/readyz")).isEqualTo(200);
      assertThat(NodeProcess.status(adminB, "/readyz")).isEqualTo(200);
    }
  }

  private NodeProcess pod(String name, String ip, int clusterPort, int adminPort, Path hosts, Path config)
      throws Exception {
    Map<String, String> env = Map.of(
        "ARCHWAY_NODE_NAME", name,
        "ARCHWAY_CLUSTER_JOIN", "kubernetes",
        "ARCHWAY_CLUSTER_SERVICE_DNS", SERVICE_DNS,
        "ARCHWAY_CLUSTER_HOST", ip,
        "ARCHWAY_CLUSTER_PORT", String.valueOf(clusterPort),
        "ARCHWAY_ADMIN_PORT", String.valueOf(adminPort),
        "ARCHWAY_STATE_DIR", dir.resolve(name).toString());
    // No JVM DNS cache, so that a changed hosts file is seen at the next lookup (as a short DNS TTL).
    return NodeProcess.start(dir, List.of("-Djdk.net.hosts.file=" + hosts, "-Dsun.net.inetaddr.ttl=0",
        "-Dsun.net.inetaddr.negative.ttl=0"), env, "run", "--config", config.toString());
  }

  /** The node names in this node's {@code /api/cluster} (loopback admin API: no token). */
  private static List<String> nodeNames(int adminPort) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/cluster"))
        .timeout(Duration.ofSeconds(2)).build();
    String body = HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body();
    Object json = body.trim().startsWith("[") ? new JsonArray(body) : new JsonObject(body).getValue("nodes");
    return ((JsonArray) json).stream().map(n -> ((JsonObject) n).getString("name")).collect(Collectors.toList());
  }
}
