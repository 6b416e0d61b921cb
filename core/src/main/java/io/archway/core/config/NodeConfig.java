package io.archway.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of this node alone: its name, listener host override, state folder and how it joins the
 * cluster ({@link ClusterJoin#TCP_IP} with {@code clusterMembers}, or {@link ClusterJoin#KUBERNETES} with
 * {@code clusterServiceDns}), on which address ({@code clusterHost}) and port, and how long open
 * connections may run when it shuts down ({@code shutdownTimeout}; absent: each pool's drainTimeout).
 */
public record NodeConfig(
    Optional<String> name,
    Optional<String> bindHost,
    String stateDir,
    ClusterJoin clusterJoin,
    List<String> clusterMembers,
    Optional<String> clusterServiceDns,
    Optional<String> clusterHost,
    int clusterPort,
    Optional<Duration> shutdownTimeout) {

  public static final String DEFAULT_STATE_DIR = "./state";
  public static final int DEFAULT_CLUSTER_PORT = 5701;

  public NodeConfig {
    clusterMembers = List.copyOf(clusterMembers);
  }

  /** A node that joins over TCP-IP on its bind host (or loopback). */
  public NodeConfig(Optional<String> name, Optional<String> bindHost, String stateDir, List<String> clusterMembers,
      int clusterPort) {
    this(name, bindHost, stateDir, ClusterJoin.TCP_IP, clusterMembers, Optional.empty(), Optional.empty(),
        clusterPort, Optional.empty());
  }

  public static NodeConfig defaults() {
    return new NodeConfig(Optional.empty(), Optional.empty(), DEFAULT_STATE_DIR, List.of(), DEFAULT_CLUSTER_PORT);
  }
}
