package io.archway.core.config;

/** How a pool picks a target for a new connection. */
public enum Balance implements Keyword {
  ROUND_ROBIN("round-robin", true),
  WEIGHTED_ROUND_ROBIN("weighted-round-robin", true),
  LEAST_CONNECTIONS("least-connections", true),
  RANDOM_TWO("random-two", true),
  SOURCE_HASH("source-hash", true);

  private final String keyword;
  private final boolean supported;

  Balance(String keyword, boolean supported) {
    this.keyword = keyword;
    this.supported = supported;
  }

  @Override
  public String keyword() {
    return keyword;
  }

  /** Whether targets' weights count; with {@code round-robin} every target is alike. */
  public boolean weighted() {
    return this != ROUND_ROBIN;
  }

  @Override
  public boolean supported() {
    return supported;
  }
}
