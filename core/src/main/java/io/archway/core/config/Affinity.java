package io.archway.core.config;

/** How an HTTP pool keeps a client on one target. */
public enum Affinity implements Keyword {
  NONE("none", true),
  COOKIE("cookie", true);

  private final String keyword;
  private final boolean supported;

  Affinity(String keyword, boolean supported) {
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
