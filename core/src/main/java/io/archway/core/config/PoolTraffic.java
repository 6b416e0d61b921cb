package io.archway.core.config;

/** How a pool treats its targets beyond balancing: PROXY header, passive health, DNS re-resolution. */
public record PoolTraffic() {

  public static PoolTraffic defaults() {
    return new PoolTraffic();
  }
}
