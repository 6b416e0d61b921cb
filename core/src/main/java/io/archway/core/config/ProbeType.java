package io.archway.core.config;

/** How the health verticle checks a target. */
public enum ProbeType implements Keyword {
  TCP("tcp", true),
  TLS("tls", true),
  HTTP("http", true);

  private final String keyword;
  private final boolean supported;

  ProbeType(String keyword, boolean supported) {
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
