package io.archway.core.config;

import java.util.Optional;

/**
 * How a pool treats its targets beyond balancing.
 *
 * @param proxyProtocol the PROXY header sent to each target before any other byte, if any
 */
public record PoolTraffic(Optional<ProxyProtocol> proxyProtocol) {

  public static PoolTraffic defaults() {
    return new PoolTraffic(Optional.empty());
  }
}
