package io.archway.core.config;

/** What the gateway speaks to a pool's targets. */
public enum PoolProtocol implements Keyword {
  TCP("tcp", true),
  TLS("tls", true),
  HTTP("http", true),
  HTTPS("https", true);

  private final String keyword;
  private final boolean supported;

  PoolProtocol(String keyword, boolean supported) {
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
