package io.archway.core.config;

/** Who may connect to a listener and how often: limits, access lists, and an accepted PROXY header. */
public record ListenerPolicy() {

  public static ListenerPolicy defaults() {
    return new ListenerPolicy();
  }
}
