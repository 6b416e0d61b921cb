package io.archway.core.config;

/** Whether this node writes one JSON line per finished connection to stdout. */
public record AccessLogConfig(boolean enabled) {

  public static AccessLogConfig defaults() {
    return new AccessLogConfig(true);
  }
}
