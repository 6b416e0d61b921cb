package io.archway.core.config;

import java.util.Optional;

/** How the gateway speaks TLS to a pool's targets: whom it trusts, what name it sends and checks. */
public record PoolTlsConfig(
    Optional<String> trustCa, Optional<String> sni, boolean verifyHostname, Optional<String> certificate) {}
