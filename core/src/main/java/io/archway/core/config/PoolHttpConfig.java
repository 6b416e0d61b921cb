package io.archway.core.config;

/** What a pool of protocol {@code http} or {@code https} adds: HTTP version, connection pool, affinity. */
public record PoolHttpConfig() {

  public static PoolHttpConfig none() {
    return new PoolHttpConfig();
  }
}
