package io.archway.core.config;

/**
 * What a listener of protocol {@code http} or {@code https} adds: its routes, forwarded headers, HTTP/2
 * and error pages. Empty for the other protocols.
 */
public record ListenerHttpConfig() {

  public static ListenerHttpConfig none() {
    return new ListenerHttpConfig();
  }
}
