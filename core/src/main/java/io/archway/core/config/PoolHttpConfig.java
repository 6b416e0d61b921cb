package io.archway.core.config;

/**
 * What a pool of protocol {@code http} or {@code https} adds: HTTP version, connection pool, affinity.
 *
 * @param version 1 (HTTP/1.1) or 2 (h2 by ALPN on https, prior-knowledge h2c on http)
 * @param maxConnections HTTP/1.1 connections kept per target by each event loop (HTTP/2: per target, each multiplexed)
 * @param affinityCookie the cookie naming a client's target when {@code affinity} is {@code cookie}
 */
public record PoolHttpConfig(int version, int maxConnections, Affinity affinity, String affinityCookie) {

  public static final int DEFAULT_MAX_CONNECTIONS = 64;
  public static final String DEFAULT_AFFINITY_COOKIE = "archway-target";

  public static PoolHttpConfig none() {
    return new PoolHttpConfig(1, DEFAULT_MAX_CONNECTIONS, Affinity.NONE, DEFAULT_AFFINITY_COOKIE);
  }
}
