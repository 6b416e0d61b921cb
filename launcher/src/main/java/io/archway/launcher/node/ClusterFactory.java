package io.archway.launcher.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.archway.core.config.ClusterJoin;
import io.archway.core.config.HostPort;
import io.archway.core.config.NodeConfig;
import io.archway.core.metrics.GatewayMetrics;
import io.archway.proxy.transport.GatewayTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Builds a node's clustered Vert.x. Hazelcast joins over TCP-IP (the listed members; without any, a
 * one-node cluster on loopback) or by the DNS name of a Kubernetes headless Service; never multicast.
 */
final class ClusterFactory {

  private ClusterFactory() {}

  static Future<Vertx> start(NodeConfig node, GatewayMetrics metrics) {
    String host;
    try {
      host = clusterHost(node);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    String portProblem = clusterPortProblem(host, node.clusterPort());
    if (portProblem != null) return Future.failedFuture(new IllegalStateException(portProblem));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(node, host));
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // Byte and connection counts of the relay are the proxy's own (exact) meters; Vert.x's socket
        // metrics would only add per-read work to the hot path. Its HTTP metrics would describe only
        // the admin API (and warn about duplicate gauges once a second HTTP server exists).
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        // Its event bus gauges register twice in 5.0.10 (a warning at every start) and say little here.
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    VertxOptions options = new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
        .setMetricsOptions(metricsOptions);
    options.getEventBusOptions().setHost(host).setPort(0);
    return Vertx.builder()
        .with(options)
        // Vert.x's own transport (epoll when available), plus the h2c listeners' smuggling guard.
        .withTransport(GatewayTransport.of(options))
        .withClusterManager(manager)
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .buildClustered();
  }

  private static Config hazelcast(NodeConfig node, String host) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("archway");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.socket.bind.any", "false");
    // 127.0.0.2 and friends are not interface addresses (lo holds 127.0.0.1/8), so Hazelcast's
    // interface matching cannot find them: name the local address outright instead.
    config.setProperty("hazelcast.local.localAddress", host);
    // A lone node need not wait for peers that will never come; joiners still find the cluster.
    boolean alone = node.clusterJoin() == ClusterJoin.TCP_IP && node.clusterMembers().isEmpty();
    config.setProperty("hazelcast.wait.seconds.before.join", alone ? "0" : "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(node.clusterPort()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (node.clusterJoin() == ClusterJoin.KUBERNETES) {
      // Pods of one Deployment started together may each find no peer yet and form clusters of their
      // own; Hazelcast's split-brain handler merges them. Look for that every 30 s instead of 5 min.
      config.setProperty("hazelcast.merge.first.run.delay.seconds", "30");
      config.setProperty("hazelcast.merge.next.run.delay.seconds", "30");
      join.getTcpIpConfig().setEnabled(false);
      // DNS lookup mode: peers are the A records of the headless Service, all on this node's port.
      // It reads neither the Kubernetes API nor a service account token, so it needs no RBAC.
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", node.clusterServiceDns().orElseThrow())
          .setProperty("service-port", String.valueOf(node.clusterPort()));
      return config;
    }
    join.getTcpIpConfig().setEnabled(true);
    if (node.clusterMembers().isEmpty()) {
      join.getTcpIpConfig().addMember(host + ":" + node.clusterPort());
    } else {
      node.clusterMembers().forEach(m -> join.getTcpIpConfig().addMember(HostPort.parse(m).toString()));
    }
    return config;
  }

  /**
   * Why this node's cluster port cannot be bound, or null. Asked before Hazelcast starts, which would
   * fail the same way but only after logging three stack traces (and Vert.x a fourth).
   */
  static String clusterPortProblem(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as Hazelcast binds: a port whose last connections linger is free
      probe.bind(new InetSocketAddress(host, port));
      return null;
    } catch (IOException e) {
      return "cluster port " + host + ":" + port + " cannot be bound (" + e.getMessage() + "): another node or "
          + "process has it; give this node another with --cluster-port (or cluster.port, ARCHWAY_CLUSTER_PORT)";
    }
  }

  /**
   * The address Hazelcast and the event bus bind and announce: {@code cluster.host}, else
   * {@code node.bindHost}; else loopback for TCP-IP, and this machine's address for Kubernetes, where
   * peers must reach it (a pod's host name resolves to its pod IP).
   */
  static String clusterHost(NodeConfig node) {
    if (node.clusterHost().isPresent()) return node.clusterHost().get();
    if (node.bindHost().isPresent()) return node.bindHost().get();
    if (node.clusterJoin() == ClusterJoin.TCP_IP) return "127.0.0.1";
    try {
      InetAddress local = InetAddress.getLocalHost();
      if (!local.isLoopbackAddress()) return local.getHostAddress();
    } catch (UnknownHostException e) {
      // fall through to the message
    }
    throw new IllegalStateException("cluster.host is not set and this machine's host name does not resolve to an "
        + "address that peers can reach; set --cluster-host or ARCHWAY_CLUSTER_HOST (in a pod: status.podIP)");
  }
}
