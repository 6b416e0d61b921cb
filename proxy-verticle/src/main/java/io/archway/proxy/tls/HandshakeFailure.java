package io.archway.proxy.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.util.Locale;

/**
 * Sorts a failed client handshake into one of a few fixed reasons for the metrics label, so that the
 * number of series stays bounded whatever a client sends (the full message goes to {@link HandshakeLog}).
 */
public enum HandshakeFailure {
  /** No completed handshake (or, passthrough, no ClientHello) within the listener's handshake timeout. */
  TIMEOUT("timeout"),
  /** The client closed the connection before the handshake was done. */
  CLIENT_CLOSED("client_closed"),
  /** The client's first bytes were not a TLS record (plain HTTP on a TLS port, a scanner). */
  NOT_TLS("not_tls"),
  /** No TLS version in common (such as a TLSv1.2 client on a TLSv1.3-only listener). */
  PROTOCOL_VERSION("protocol_version"),
  /** No cipher suite in common. */
  NO_SHARED_CIPHER("no_shared_cipher"),
  /** A client certificate missing, unknown or refused (listeners with clientAuth). */
  CLIENT_CERTIFICATE("client_certificate"),
  /** Anything else (see the log line). */
  OTHER("other");

  private final String label;

  HandshakeFailure(String label) {
    this.label = label;
  }

  /** The label value, such as {@code not_tls}. */
  public String label() {
    return label;
  }

  /** The reason for {@code cause}, looking through its whole cause chain. */
  public static HandshakeFailure of(Throwable cause) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SslHandshakeTimeoutException) return TIMEOUT;
      if (t instanceof HandshakeWatch.Abandoned) return CLIENT_CLOSED;
      if (t instanceof NotSslRecordException) return NOT_TLS;
      if (t.getMessage() != null) messages.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
    }
    String m = messages.toString();
    if (m.contains("protocol_version") || m.contains("protocol version") || m.contains("unsupported_protocol")
        || m.contains("unsupported protocol") || m.contains("wrong_version") || m.contains("no appropriate protocol")) {
      return PROTOCOL_VERSION;
    }
    if (m.contains("no_shared_cipher") || m.contains("no cipher suites in common") || m.contains("no shared cipher")) {
      return NO_SHARED_CIPHER;
    }
    if (m.contains("certificate") || m.contains("peer_did_not_return")) return CLIENT_CERTIFICATE;
    return OTHER;
  }
}
