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
  SHUTDOWN("shutdown", false),
  /** Over the listener's {@code maxConnections}, its client's {@code maxConnectionsPerClient} or {@code clientRate}. */
  LIMIT("rejected", "limit"),
  /** The client's address is in the listener's {@code deny} list, or not in its {@code allow} list. */
  ACCESS_DENIED("rejected", "acl"),
  /** The listener accepts a PROXY header and the client sent none, a malformed one, or none in time. */
  PROXY_PROTOCOL("rejected", "proxy_protocol"),
  /**
   * HTTP listeners: a request the gateway refused before routing it (malformed, headers or request
   * line too long, ambiguous length). Counted per request; the connection itself ends as it ends.
   */
  BAD_REQUEST("rejected", "bad_request"),
  /**
   * This process is out of file descriptors: no connection to any target could be opened. Logged as
   * {@code connect_failed}, counted under reason {@code fd_limit}; no target is blamed for it.
   */
  OUT_OF_FILES("connect_failed", "fd_limit");

  private final String keyword;
  private final boolean rejection;
  private final String reason;

  Termination(String keyword, boolean rejection) {
    this.keyword = keyword;
    this.rejection = rejection;
    this.reason = keyword.equals("tls_failed") ? "tls" : keyword;
  }

  /** A refusal logged as {@code rejected}, counted under its own {@code reason}. */
  Termination(String keyword, String reason) {
    this.keyword = keyword;
    this.rejection = true;
    this.reason = reason;
  }

  public String keyword() {
    return keyword;
  }

  /**
   * The {@code reason} label of {@code archway_listener_rejected_total}: the keyword, but {@code tls} for
   * TLS failures, {@code limit}, {@code acl} or {@code proxy_protocol} for the refusals logged as
   * {@code rejected}, and {@code fd_limit} for a connect that failed for want of file descriptors.
   */
  public String reason() {
    return reason;
  }

  /** True when the client was never relayed to a target: counted in {@code archway_listener_rejected_total}. */
  public boolean rejection() {
    return rejection;
  }
}
