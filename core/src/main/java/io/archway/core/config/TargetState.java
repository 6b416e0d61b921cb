package io.archway.core.config;

/** What the operator allows a target to do; health is separate. */
public enum TargetState implements Keyword {
  ENABLED("enabled", true),
  DRAINING("draining", true),
  DISABLED("disabled", true);

  private final String keyword;
  private final boolean supported;

  TargetState(String keyword, boolean supported) {
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
