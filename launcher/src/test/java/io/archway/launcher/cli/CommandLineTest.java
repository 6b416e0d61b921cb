package io.archway.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void anOptionBeatsTheEnvironmentWhichBeatsTheFile() {
    CommandLine cli = CommandLine.parse(new String[] {"run", "--admin-port", "9191", "--bind-host=127.0.0.2"},
        Map.of("ARCHWAY_ADMIN_PORT", "9999", "ARCHWAY_NODE_NAME", "from-env"));
    JsonObject doc = cli.applyTo(new JsonObject()
        .put("admin", new JsonObject().put("port", 9090).put("host", "127.0.0.1"))
        .put("node", new JsonObject().put("name", "from-file")));
    assertThat(doc.getJsonObject("admin")).isEqualTo(new JsonObject().put("port", 9191).put("host", "127.0.0.1"));
    assertThat(doc.getJsonObject("node").getString("name")).isEqualTo("from-env");
    assertThat(doc.getJsonObject("node").getString("bindHost")).isEqualTo("127.0.0.2");
  }

  @Test
  void badInputNamesTheOption() {
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"run", "--admin-port", "http"}, Map.of()))
        .hasMessage("--admin-port: 'http' is not a port (1-65535)");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"run", "--cluster-port=0"}, Map.of()))
        .hasMessage("--cluster-port: '0' is not a port (1-65535)");
    // A bad value from the environment names the variable that set it.
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"run"}, Map.of("ARCHWAY_ADMIN_PORT", "abc")))
        .hasMessage("ARCHWAY_ADMIN_PORT (--admin-port): 'abc' is not a port (1-65535)");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"run"}, Map.of("ARCHWAY_CLUSTER_JOIN", "dns")))
        .hasMessage("ARCHWAY_CLUSTER_JOIN (--cluster-join): 'dns' is not one of tcp-ip, kubernetes");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"run", "--colour", "x"}, Map.of()))
        .hasMessage("unknown option --colour");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"start"}, Map.of()))
        .hasMessage("unknown command 'start' (run, demo, validate, status)");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"run", "--config"}, Map.of()))
        .hasMessage("--config needs a value");
  }

  @Test
  void clusterJoinOptionsFollowTheEnvironmentPattern() {
    CommandLine cli = CommandLine.parse(new String[] {"run", "--cluster-host", "10.1.2.3"},
        Map.of("ARCHWAY_CLUSTER_JOIN", "kubernetes",
            "ARCHWAY_CLUSTER_SERVICE_DNS", "archway-hazelcast.archway.svc.cluster.local",
            "ARCHWAY_CLUSTER_HOST", "10.9.9.9"));
    JsonObject doc = cli.applyTo(new JsonObject().put("cluster", new JsonObject().put("port", 5701)));
    assertThat(doc.getJsonObject("cluster")).isEqualTo(new JsonObject().put("port", 5701).put("join", "kubernetes")
        .put("serviceDns", "archway-hazelcast.archway.svc.cluster.local").put("host", "10.1.2.3"));
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"run", "--cluster-join", "dns"}, Map.of()))
        .hasMessage("--cluster-join: 'dns' is not one of tcp-ip, kubernetes");
  }
}
