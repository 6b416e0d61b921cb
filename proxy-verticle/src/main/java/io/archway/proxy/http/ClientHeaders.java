package io.archway.proxy.http;

import io.archway.core.config.ForwardedHeaders;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

/**
 * The headers that tell a target who the client is: {@code X-Forwarded-For} (appended to what earlier
 * proxies wrote), {@code X-Forwarded-Proto}, {@code -Host}, {@code -Port} (replaced), and {@code Forwarded}
 * (RFC 7239, appended), each as the listener's config switches it.
 */
final class ClientHeaders {

  private ClientHeaders() {}

  /**
   * {@code host}: the Host the client asked for (port included), or null; {@code port}: the listener's
   * port the client connected to.
   */
  static void add(ForwardedHeaders which, MultiMap headers, SocketAddress client, String proto, String host, int port) {
    String ip = client == null ? null : client.hostAddress();
    if (which.xForwardedFor() && ip != null) {
      String earlier = String.join(", ", headers.getAll("x-forwarded-for"));
      headers.set("x-forwarded-for", earlier.isEmpty() ? ip : earlier + ", " + ip);
    }
    if (which.xForwardedProto()) headers.set("x-forwarded-proto", proto);
    if (which.xForwardedHost() && host != null) headers.set("x-forwarded-host", host);
    if (which.xForwardedPort()) headers.set("x-forwarded-port", Integer.toString(port));
    if (which.forwarded()) {
      StringBuilder element = new StringBuilder();
      if (ip != null) element.append("for=").append(ip.indexOf(':') >= 0 ? "\"[" + ip + "]\"" : ip).append(';');
      if (host != null) element.append("host=\"").append(host.replace("\"", "")).append("\";");
      element.append("proto=").append(proto);
      String earlier = String.join(", ", headers.getAll("forwarded"));
      headers.set("forwarded", earlier.isEmpty() ? element.toString() : earlier + ", " + element);
    }
  }
}
