package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cluster} section: the two join modes and what each one requires and refuses. */
class ClusterConfigTest {

  @TempDir Path dir;

  private NodeConfig parse(JsonObject cluster) {
    return ConfigParser.parse(new JsonObject().put("cluster", cluster), dir).node();
  }

  private List<String> problems(JsonObject cluster) {
    return ConfigParser.problems(new JsonObject().put("cluster", cluster), dir).stream()
        .map(Problem::toString).toList();
  }

  @Test
  void withoutAClusterSectionANodeJoinsByTcpIpOnItsOwn() {
    NodeConfig node = ConfigParser.parse(new JsonObject(), dir).node();
    assertThat(node.clusterJoin()).isEqualTo(ClusterJoin.TCP_IP);
    assertThat(node.clusterMembers()).isEmpty();
    assertThat(node.clusterServiceDns()).isEmpty();
    assertThat(node.clusterHost()).isEmpty();
    assertThat(node.clusterPort()).isEqualTo(5701);
  }

  @Test
  void tcpIpTakesMembersAsAListOrOneCommaSeparatedString() {
    NodeConfig node = parse(new JsonObject().put("join", "tcp-ip").put("members", "10.0.0.1:5701, 10.0.0.2:5701")
        .put("host", "10.0.0.1"));
    assertThat(node.clusterMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(node.clusterHost()).contains("10.0.0.1");
  }

  @Test
  void kubernetesJoinsByTheHeadlessServicesDnsName() {
    NodeConfig node = parse(new JsonObject().put("join", "kubernetes")
        .put("serviceDns", "archway-hazelcast.archway.svc.cluster.local").put("host", "10.1.2.3").put("port", "5701"));
    assertThat(node.clusterJoin()).isEqualTo(ClusterJoin.KUBERNETES);
    assertThat(node.clusterServiceDns()).contains("archway-hazelcast.archway.svc.cluster.local");
    assertThat(node.clusterHost()).isEqualTo(Optional.of("10.1.2.3"));
    assertThat(node.clusterPort()).isEqualTo(5701);
  }

  @Test
  void kubernetesNeedsAServiceDnsNameAndNoMembers() {
    assertThat(problems(new JsonObject().put("join", "kubernetes").put("members", new JsonArray().add("10.0.0.1:5701"))))
        .containsExactlyInAnyOrder(
            "cluster.serviceDns: is required when join is kubernetes (the headless Service's DNS name, "
                + "such as archway-hazelcast.archway.svc.cluster.local)",
            "cluster.members: only applies to join tcp-ip; with join kubernetes the peers are what serviceDns "
                + "resolves to");
  }

  @Test
  void aServiceDnsNameWithTcpIpIsNotSilentlyIgnored() {
    assertThat(problems(new JsonObject().put("serviceDns", "archway-hazelcast")))
        .containsExactly("cluster.serviceDns: only applies to join kubernetes (this node joins by tcp-ip)");
  }

  @Test
  void badValuesAreNamedWithTheirPath() {
    assertThat(problems(new JsonObject().put("join", "multicast").put("host", "my-pod")))
        .containsExactlyInAnyOrder(
            "cluster.join: 'multicast' is not one of tcp-ip, kubernetes",
            "cluster.host: 'my-pod' is not an IP address (this node's own, such as 10.0.0.5; in a pod, its pod IP)");
    assertThat(problems(new JsonObject().put("join", "kubernetes").put("serviceDns", "archway_hazelcast..svc")
        .put("host", "0.0.0.0")))
        .containsExactlyInAnyOrder(
            "cluster.serviceDns: 'archway_hazelcast..svc' is not a DNS name (the headless Service's, "
                + "such as archway-hazelcast.archway.svc.cluster.local)",
            "cluster.host: 0.0.0.0 cannot be announced to peers; give this node's own address (in a pod, its pod IP)");
  }

  @Test
  void aBindHostThatIsNoAddressToBindIsNamedBeforeAnythingStarts() {
    JsonObject node = new JsonObject().put("bindHost", "my-host");
    assertThat(ConfigParser.problems(new JsonObject().put("node", node), dir)).map(Problem::toString).containsExactly(
        "node.bindHost: 'my-host' is not an IP address to bind (such as 127.0.0.2; --bind-host and "
            + "ARCHWAY_BIND_HOST set it too)");
    node.put("bindHost", "999.1.1.1");
    assertThat(ConfigParser.problems(new JsonObject().put("node", node), dir)).hasSize(1);
    node.put("bindHost", "127.0.0.2");
    assertThat(ConfigParser.parse(new JsonObject().put("node", node), dir).node().bindHost()).contains("127.0.0.2");
  }
}
