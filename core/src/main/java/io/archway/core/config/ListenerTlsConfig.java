package io.archway.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How a TLS listener terminates: its certificates, protocol floor, ciphers and client certificates. */
public record ListenerTlsConfig(
    List<String> certificates,
    String minVersion,
    List<String> cipherSuites,
    ClientAuth clientAuth,
    Optional<String> clientCa,
    Duration handshakeTimeout) {

  public static final String DEFAULT_MIN_VERSION = "TLSv1.2";
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  public ListenerTlsConfig {
    certificates = List.copyOf(certificates);
    cipherSuites = List.copyOf(cipherSuites);
  }
}
