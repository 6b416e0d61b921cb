package io.archway.core.config;

/** How a pool picks a target for a new connection. */
public enum Balance implements Keyword {
  ROUND_ROBIN("round-robin", true),
  WEIGHTED_ROUND_ROBIN("weighted-round-robin", false),
  LEAST_CONNECTIONS("least-connections", false),
  RANDOM_TWO("random-two", false),
  SOURCE_HASH("source-hash", false);

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

  @Override
  public boolean supported() {
    return supported;
  }
}
