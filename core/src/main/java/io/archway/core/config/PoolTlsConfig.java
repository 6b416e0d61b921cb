package io.archway.core.config;

import java.util.Optional;

/** How the gateway speaks TLS to a pool's targets: whom it trusts, what name it sends and checks. */
public record PoolTlsConfig(
    Optional<String> trustCa, Optional<String> sni, boolean verifyHostname, Optional<String> certificate) {

  /** A TLS pool without a {@code tls} block: the system's CAs, each target's host as name, verified. */
  public static PoolTlsConfig defaults() {
    return new PoolTlsConfig(Optional.empty(), Optional.empty(), true, Optional.empty());
  }
}
