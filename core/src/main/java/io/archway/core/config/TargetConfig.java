package io.archway.core.config;

/** One backend address in a pool, its weight, and what the operator allows it to do. */
public record TargetConfig(HostPort address, int weight, TargetState state) {

  public static final int DEFAULT_WEIGHT = 1;
  public static final int MAX_WEIGHT = 256;
}
