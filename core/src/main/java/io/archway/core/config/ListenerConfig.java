package io.archway.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** An address and port where clients connect, the protocol spoken there, and the pool behind it. */
public record ListenerConfig(
    String name,
    ListenerProtocol protocol,
    String host,
    int port,
    String pool,
    Duration idleTimeout,
    Duration halfCloseTimeout,
    boolean reusePort,
    Optional<ListenerTlsConfig> tls,
    List<SniRule> sni,
    ListenerHttpConfig http,
    ListenerPolicy policy) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(4);
  public static final Duration DEFAULT_HALF_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  public ListenerConfig {
    sni = List.copyOf(sni);
  }

  /** The same listener bound to another host, for {@code --bind-host}. */
  public ListenerConfig withHost(String newHost) {
    return new ListenerConfig(name, protocol, newHost, port, pool, idleTimeout, halfCloseTimeout, reusePort, tls, sni, http, policy);
  }
}
