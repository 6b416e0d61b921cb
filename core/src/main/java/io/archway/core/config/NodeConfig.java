package io.archway.core.config;

import java.util.List;
import java.util.Optional;

/** Settings of this node alone: its name, listener host override, state folder and cluster join. */
public record NodeConfig(
    Optional<String> name,
    Optional<String> bindHost,
    String stateDir,
    List<String> clusterMembers,
    int clusterPort) {

  public static final String DEFAULT_STATE_DIR = "./state";
  public static final int DEFAULT_CLUSTER_PORT = 5701;

  public NodeConfig {
    clusterMembers = List.copyOf(clusterMembers);
  }

  public static NodeConfig defaults() {
    return new NodeConfig(Optional.empty(), Optional.empty(), DEFAULT_STATE_DIR, List.of(), DEFAULT_CLUSTER_PORT);
  }
}
