package io.archway.core.config;

/** The PROXY protocol version a pool sends to its targets ahead of the client's bytes. */
public enum ProxyProtocol implements Keyword {
  V1("v1"),
  V2("v2");

  private final String keyword;

  ProxyProtocol(String keyword) {
    this.keyword = keyword;
  }

  @Override
  public String keyword() {
    return keyword;
  }

  @Override
  public boolean supported() {
    return true;
  }
}
