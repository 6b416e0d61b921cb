package io.archway.launcher.node;

import io.archway.core.testing.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** Config documents of test nodes: each on its own loopback address (127.0.0.x), one shared member list. */
final class NodeDocuments {

  private final Path dir;
  private final String[] hosts;
  private final int[] clusterPorts;

  NodeDocuments(Path dir, String... hosts) {
    this.dir = dir;
    this.hosts = hosts;
    this.clusterPorts = new int[hosts.length];
    for (int i = 0; i < hosts.length; i++) clusterPorts[i] = Ports.free();
  }

  String members() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < hosts.length; i++) sb.append(i == 0 ? "" : ",").append(hosts[i]).append(':').append(clusterPorts[i]);
    return sb.toString();
  }

  /** Node {@code i}'s document with the given shared sections; its admin listens on a free port. */
  JsonObject node(int i, JsonArray listeners, JsonArray pools) {
    String name = "node-" + (i + 1);
    return new JsonObject()
        .put("admin", new JsonObject().put("host", hosts[i]).put("port", Ports.free()))
        .put("node", new JsonObject().put("name", name).put("bindHost", hosts[i])
            .put("stateDir", dir.resolve(name).toString()))
        .put("cluster", new JsonObject().put("port", clusterPorts[i]).put("members", members()))
        .put("accessLog", new JsonObject().put("enabled", false))
        .put("listeners", listeners)
        .put("pools", pools);
  }

  String host(int i) {
    return hosts[i];
  }

  Path file(int i) {
    return dir.resolve("node-" + (i + 1) + ".yaml");
  }

  static JsonObject tcpListener(String name, int port, String pool) {
    return new JsonObject().put("name", name).put("protocol", "tcp").put("host", "127.0.0.1").put("port", port)
        .put("pool", pool);
  }

  static JsonObject pool(String name, String... addresses) {
    JsonArray targets = new JsonArray();
    for (String a : addresses) targets.add(new JsonObject().put("address", a));
    return new JsonObject().put("name", name).put("targets", targets)
        .put("probe", new JsonObject().put("interval", "200ms").put("timeout", "100ms"));
  }
}
