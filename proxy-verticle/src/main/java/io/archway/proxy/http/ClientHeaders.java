package io.archway.proxy.http;

import io.archway.core.config.ForwardedHeaders;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

/**
 * The headers that tell a target who the client is: {@code X-Forwarded-For} (appended to what earlier
 * proxies wrote), {@code X-Forwarded-Proto}, {@code -Host}, {@code -Port} (replaced), and {@code Forwarded}
 * (RFC 7239, appended), each as the listener's config switches it.
 */
final class ClientHeaders {

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
  private static final AsciiString FORWARDED = AsciiString.cached("forwarded");

  private ClientHeaders() {}

  /**
   * {@code host}: the Host the client asked for (port included), or null; {@code port}: the listener's
   * port the client connected to.
   */
  static void add(ForwardedHeaders which, MultiMap headers, SocketAddress client, String proto, String host,
      String port) {
    add(which, headers, client == null ? null : client.hostAddress(), proto, host, port);
  }

  /** The same, with the client's IP address ({@code ip}, or null) as text already. */
  static void add(ForwardedHeaders which, MultiMap headers, String ip, String proto, String host, String port) {
    if (which.xForwardedFor() && ip != null) append(headers, X_FORWARDED_FOR, ip);
    if (which.xForwardedProto()) headers.set(X_FORWARDED_PROTO, proto);
    if (which.xForwardedHost() && host != null) headers.set(X_FORWARDED_HOST, host);
    if (which.xForwardedPort()) headers.set(X_FORWARDED_PORT, port);
    if (which.forwarded()) {
      String by = ip == null ? "" : ip.indexOf(':') >= 0 ? "for=\"[" + ip + "]\";" : "for=" + ip + ";";
      String at = host == null ? "" : "host=\"" + (host.indexOf('"') < 0 ? host : host.replace("\"", "")) + "\";";
      append(headers, FORWARDED, by + at + "proto=" + proto);
    }
  }

  /** Adds {@code value} to the header's list: one more element after those already there, as one line. */
  private static void append(MultiMap headers, CharSequence name, String value) {
    if (!headers.contains(name)) {
      headers.add(name, value);
      return;
    }
    headers.set(name, String.join(", ", headers.getAll(name)) + ", " + value);
  }
}
