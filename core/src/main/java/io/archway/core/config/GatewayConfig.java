package io.archway.core.config;

import java.util.List;
import java.util.Optional;

/**
 * The whole config of a node. {@link #listeners}, {@link #pools} and {@link #certificates} are shared by
 * the cluster; {@link #admin}, {@link #node} and {@link #accessLog} belong to the node that read them.
 */
public record GatewayConfig(
    AdminConfig admin,
    NodeConfig node,
    AccessLogConfig accessLog,
    List<ListenerConfig> listeners,
    List<PoolConfig> pools,
    List<CertificateConfig> certificates) {

  public GatewayConfig {
    listeners = List.copyOf(listeners);
    pools = List.copyOf(pools);
    certificates = List.copyOf(certificates);
  }

  public Optional<PoolConfig> pool(String name) {
    return pools.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public Optional<ListenerConfig> listener(String name) {
    return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
  }
}
