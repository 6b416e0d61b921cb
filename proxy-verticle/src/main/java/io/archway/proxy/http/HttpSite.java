package io.archway.proxy.http;

import io.archway.core.config.ForwardedHeaders;
import io.archway.core.config.ListenerConfig;
import io.archway.proxy.accesslog.AccessLog;
import io.archway.proxy.accesslog.HttpAccessLogEntry;
import io.archway.proxy.listener.ListenerMeters;
import io.archway.proxy.route.RouteTable;
import io.archway.proxy.tls.TlsSession;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What the requests of one HTTP listener config share: its routes, forwarded headers, error pages,
 * meters and access log. A config change builds a new one; requests in flight keep theirs.
 */
final class HttpSite {

  private final Vertx vertx;
  private final String node;
  private final ListenerConfig config;
  private final RouteTable routes;
  private final ErrorPages errorPages;
  private final ListenerMeters meters;
  private final AccessLog accessLog;
  private final boolean logEnabled;
  private final PoolClients pools;
  private final String portText;

  HttpSite(Vertx vertx, String node, ListenerConfig config, RouteTable routes, ErrorPages errorPages,
      ListenerMeters meters, AccessLog accessLog, boolean logEnabled, PoolClients pools) {
    this.vertx = vertx;
    this.node = node;
    this.config = config;
    this.portText = Integer.toString(config.port());
    this.routes = routes;
    this.errorPages = errorPages;
    this.meters = meters;
    this.accessLog = accessLog;
    this.logEnabled = logEnabled;
    this.pools = pools;
  }

  Vertx vertx() {
    return vertx;
  }

  String node() {
    return node;
  }

  String listener() {
    return config.name();
  }

  ListenerConfig config() {
    return config;
  }

  RouteTable routes() {
    return routes;
  }

  PoolClients pools() {
    return pools;
  }

  ErrorPages errorPages() {
    return errorPages;
  }

  ListenerMeters meters() {
    return meters;
  }

  ForwardedHeaders forwarded() {
    return config.http().forwarded();
  }

  /** The listener's port, as {@code X-Forwarded-Port} gives it. */
  String port() {
    return portText;
  }

  /** How long a forwarded request may see no byte from its target (the shorter of listener and pool idle). */
  long idleMillis() {
    return config.idleTimeout().toMillis();
  }

  /** Counts the request's body bytes and queues its access log line. */
  void log(HttpAccessLogEntry entry) {
    count(entry.bytesIn(), entry.bytesOut());
    if (logEnabled) accessLog.log(entry);
  }

  /** Whether requests are logged: when not, an exchange only counts its bytes and needs no timings. */
  boolean logging() {
    return logEnabled;
  }

  /** Counts a request's body bytes (without a log line). */
  void count(long bytesIn, long bytesOut) {
    meters.bytesIn().increment(bytesIn);
    meters.bytesOut().increment(bytesOut);
  }

  /** The client's TLS for the access log, null on plain HTTP. */
  TlsSession tls(HttpServerRequest request) {
    if (!request.isSSL()) return null;
    SSLSession session = request.connection().sslSession();
    if (session == null) return null;
    String sni = request.connection().indicatedServerName();
    return new TlsSession(session.getProtocol(), session.getCipherSuite(), sni, subject(session));
  }

  /** The client's address for the access log (an IP literal, never resolved), or null. */
  static java.net.SocketAddress client(HttpServerRequest request) {
    var remote = request.remoteAddress();
    if (remote == null || remote.hostAddress() == null) return null;
    return new java.net.InetSocketAddress(remote.hostAddress(), remote.port());
  }

  /** {@code HTTP/1.1}, {@code HTTP/2} (h2 or h2c) or {@code HTTP/1.0}. */
  static String protocol(HttpServerRequest request) {
    return switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2";
      default -> request.version().name();
    };
  }

  private static String subject(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x.getSubjectX500Principal().getName() : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
