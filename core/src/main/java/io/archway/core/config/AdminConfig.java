package io.archway.core.config;

import java.util.Optional;

/** Where the admin HTTP API listens and the bearer token it requires, if any. */
public record AdminConfig(String host, int port, Optional<String> token) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9090;

  public static AdminConfig defaults() {
    return new AdminConfig(DEFAULT_HOST, DEFAULT_PORT, Optional.empty());
  }

  @Override
  public String toString() {
    return "AdminConfig[host=" + host + ", port=" + port + ", token=" + (token.isPresent() ? "***" : "none") + "]";
  }
}
