package io.archway.core.config;

import java.util.Optional;

/**
 * How a pool treats its targets beyond balancing.
 *
 * @param proxyProtocol the PROXY header sent to each target before any other byte, if any
 * @param passiveHealth when consecutive connect failures take a target out, if ever
 */
public record PoolTraffic(Optional<ProxyProtocol> proxyProtocol, Optional<PassiveHealth> passiveHealth) {

  public static PoolTraffic defaults() {
    return new PoolTraffic(Optional.empty(), Optional.empty());
  }
}
