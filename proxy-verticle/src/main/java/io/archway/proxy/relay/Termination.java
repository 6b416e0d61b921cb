package io.archway.proxy.relay;

/** Why a client connection ended: the {@code termination} field of the access log (contract names). */
public enum Termination {
  /** The client closed or half-closed first. */
  CLIENT_CLOSE("client_close", false),
  /** The backend closed or half-closed first. */
  BACKEND_CLOSE("backend_close", false),
  /** No byte in either direction for the idle timeout. */
  IDLE_TIMEOUT("idle_timeout", false),
  /** Its listener was removed or moved, and the connection outlived the pool's drain timeout. */
  DRAIN_TIMEOUT("drain_timeout", false),
  /** Every usable target refused or timed out, retries included. */
  CONNECT_FAILED("connect_failed", true),
  /** The pool had no target that is both enabled and healthy. */
  NO_TARGET("no_target", true),
  /** The listener was stopping when the client arrived. */
  REJECTED("rejected", true),
  /**
   * The client's TLS handshake failed, timed out or was abandoned; on a passthrough listener, the
   * client sent no TLS ClientHello in time. Its rejection reason is {@code tls}.
   */
  TLS_FAILED("tls_failed", true),
  /** The node shut down and the connection outlived the pool's drain timeout. */
  SHUTDOWN("shutdown", false);

  private final String keyword;
  private final boolean rejection;

  Termination(String keyword, boolean rejection) {
    this.keyword = keyword;
    this.rejection = rejection;
  }

  public String keyword() {
    return keyword;
  }

  /** The {@code reason} label of {@code archway_listener_rejected_total}: the keyword, but {@code tls} for TLS failures. */
  public String reason() {
    return this == TLS_FAILED ? "tls" : keyword;
  }

  /** True when the client was never relayed to a target: counted in {@code archway_listener_rejected_total}. */
  public boolean rejection() {
    return rejection;
  }
}
