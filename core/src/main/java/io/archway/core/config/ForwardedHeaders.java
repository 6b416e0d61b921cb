package io.archway.core.config;

/** Which headers telling the target about the client an HTTP listener adds to each request. */
public record ForwardedHeaders(
    boolean xForwardedFor, boolean xForwardedProto, boolean xForwardedHost, boolean xForwardedPort,
    boolean forwarded) {

  public static ForwardedHeaders all() {
    return new ForwardedHeaders(true, true, true, true, true);
  }
}
