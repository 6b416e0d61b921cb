package io.archway.core.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How a pool treats its targets beyond balancing.
 *
 * @param proxyProtocol the PROXY header sent to each target before any other byte, if any
 * @param passiveHealth when consecutive connect failures take a target out, if ever
 * @param resolveInterval how often the proxy looks up the DNS names among the targets, each address
 *     then being a target; empty: names are resolved at each connect
 */
public record PoolTraffic(
    Optional<ProxyProtocol> proxyProtocol, Optional<PassiveHealth> passiveHealth, Optional<Duration> resolveInterval) {

  public static PoolTraffic defaults() {
    return new PoolTraffic(Optional.empty(), Optional.empty(), Optional.empty());
  }
}
