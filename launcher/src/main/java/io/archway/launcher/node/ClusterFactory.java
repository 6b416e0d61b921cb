package io.archway.launcher.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.archway.core.config.HostPort;
import io.archway.core.config.NodeConfig;
import io.archway.core.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Builds a node's clustered Vert.x: Hazelcast joins over TCP-IP only (never multicast); without
 * members it is a one-node cluster on loopback.
 */
final class ClusterFactory {

  private ClusterFactory() {}

  static Future<Vertx> start(NodeConfig node, GatewayMetrics metrics) {
    String host = node.bindHost().orElse("127.0.0.1");
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
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
    VertxOptions options = new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
        .setMetricsOptions(metricsOptions);
    options.getEventBusOptions().setHost(host).setPort(0);
    return Vertx.builder()
        .with(options)
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
    config.setProperty("hazelcast.wait.seconds.before.join", node.clusterMembers().isEmpty() ? "0" : "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(node.clusterPort()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    if (node.clusterMembers().isEmpty()) {
      join.getTcpIpConfig().addMember(host + ":" + node.clusterPort());
    } else {
      node.clusterMembers().forEach(m -> join.getTcpIpConfig().addMember(HostPort.parse(m).toString()));
    }
    return config;
  }
}
