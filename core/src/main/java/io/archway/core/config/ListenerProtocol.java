package io.archway.core.config;

/** What a listener speaks to its clients. */
public enum ListenerProtocol implements Keyword {
  TCP("tcp", true),
  TLS("tls", true),
  TLS_PASSTHROUGH("tls-passthrough", true),
  HTTP("http", true),
  HTTPS("https", true);

  private final String keyword;
  private final boolean supported;

  ListenerProtocol(String keyword, boolean supported) {
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
