package io.archway.core.config;

/** Whether a TLS listener asks clients for certificates. */
public enum ClientAuth implements Keyword {
  NONE("none", true),
  OPTIONAL("optional", true),
  REQUIRED("required", true);

  private final String keyword;
  private final boolean supported;

  ClientAuth(String keyword, boolean supported) {
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
