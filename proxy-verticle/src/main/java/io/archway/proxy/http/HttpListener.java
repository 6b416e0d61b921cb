package io.archway.proxy.http;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.HeaderRules;
import io.archway.core.config.ListenerConfig;
import io.archway.core.config.ListenerProtocol;
import io.archway.core.config.RouteConfig;
import io.archway.proxy.accesslog.AccessLog;
import io.archway.proxy.accesslog.HttpAccessLogEntry;
import io.archway.proxy.listener.ListenerMeters;
import io.archway.proxy.listener.RunningListener;
import io.archway.proxy.listener.SharedSocket;
import io.archway.proxy.pool.Pool;
import io.archway.proxy.relay.Termination;
import io.archway.proxy.route.Redirect;
import io.archway.proxy.route.Route;
import io.archway.proxy.route.RouteTable;
import io.archway.proxy.tls.HandshakeLog;
import io.archway.proxy.transport.GatewayTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One {@code http} or {@code https} listener address on one proxy verticle: a Vert.x HTTP server
 * (sharing its socket with the other verticles), the routes its requests take, and how it stops.
 * Confined to the verticle's context.
 */
public final class HttpListener implements HttpFront {

  /** A WebSocket frame is held whole while relayed: larger ones close the WebSocket (1009). */
  static final int MAX_WEBSOCKET_FRAME = 1024 * 1024;

  /**
   * What the server socket is built with: a change rebinds (TLS changes do not, see {@link #update}).
   * {@code nettyLevel}: served by {@link PlainHttpListener}, for a plain (cleartext) listener whose routes
   * use no HTTP/2 pool; the others by this class.
   */
  public record Shape(String host, int port, boolean reusePort, boolean tls, boolean http2, Duration idleTimeout,
      boolean nettyLevel) {
    static Shape of(ListenerConfig c, Map<String, Pool> pools) {
      boolean tls = c.protocol() == ListenerProtocol.HTTPS;
      boolean h2Pools = routes(c).stream().map(r -> pools.get(r.pool()))
          .anyMatch(p -> p != null && p.config().http().version() == 2);
      return new Shape(c.host(), c.port(), c.reusePort(), tls, c.http().http2(), c.idleTimeout(),
          !tls && !h2Pools);
    }
  }

  private final Vertx vertx;
  private final String node;
  private final MeterRegistry registry;
  private final AccessLog accessLog;
  private final PoolClients pools;
  private final Shape shape;
  private HttpServer server;
  private HttpSite site;
  private ServerSSLOptions ssl;
  /** Changes when the certificate files change on disk (rotation): then the server reloads them. */
  private Object sslVersion;
  private Future<Void> stopped;
  private SharedSocket.Stopped stoppedSocket;

  /**
   * {@code ssl}: the server's TLS for an {@code https} listener, null for {@code http}; {@code sslVersion}:
   * a new value makes the server reload the same files (rotation). Fails naming the file when an error
   * page cannot be read.
   */
  public HttpListener(Vertx vertx, String node, MeterRegistry registry, AccessLog accessLog, PoolClients pools,
      ListenerConfig config, boolean logEnabled, ServerSSLOptions ssl, Object sslVersion, Shape shape)
      throws IOException {
    this.vertx = vertx;
    this.node = node;
    this.registry = registry;
    this.accessLog = accessLog;
    this.pools = pools;
    this.shape = shape;
    update(config, logEnabled, ssl, sslVersion);
  }

  /** What a new config at this address needs: an update when equal, else a new listener. */
  @Override
  public Shape shape() {
    return shape;
  }

  /** The shape {@code config} needs, with the pools (by name) its routes may use. */
  public static Shape shapeOf(ListenerConfig config, Map<String, Pool> pools) {
    return Shape.of(config, pools);
  }

  /** The TLS server options of an https listener; throws naming the problem. */
  public static ServerSSLOptions ssl(ListenerConfig config, Map<String, CertificateConfig> certificates) {
    return HttpsOptions.of(config.tls().orElseThrow(), certificates, config.http().http2());
  }

  /**
   * Takes a new config with the same {@link Shape}: new requests get its routes, headers and pages;
   * requests in flight finish with what they started with. New TLS options apply to new handshakes.
   * Fails (and changes nothing) when an error page cannot be read.
   */
  @Override
  public void update(ListenerConfig config, boolean logEnabled, ServerSSLOptions ssl, Object sslVersion)
      throws IOException {
    ErrorPages pages = ErrorPages.load(config.http().errorPages());
    ListenerMeters meters = site != null && site.listener().equals(config.name())
        ? site.meters() : new ListenerMeters(registry, config.name());
    site = new HttpSite(vertx, node, config, RouteTable.of(routes(config)), pages, meters, accessLog, logEnabled, pools);
    if (server != null && ssl != null && (!ssl.equals(this.ssl) || sslVersion != this.sslVersion)) {
      server.updateSSLOptions(ssl, true);
    }
    this.ssl = ssl;
    this.sslVersion = sslVersion;
  }

  /** The listener's routes, then its {@code pool} (if any) for every request no route takes. */
  static List<RouteConfig> routes(ListenerConfig config) {
    List<RouteConfig> routes = new ArrayList<>(config.http().routes());
    if (!config.pool().isEmpty()) {
      routes.add(new RouteConfig(List.of(), Optional.empty(), Optional.empty(), Integer.MAX_VALUE, config.pool(),
          Optional.empty(), false, HeaderRules.none(), HeaderRules.none(), RouteConfig.DEFAULT_TIMEOUT, -1));
    }
    return routes;
  }

  @Override
  public Future<Void> bind(RunningListener previous) {
    return SharedSocket.bindAfter(previous, this::listen);
  }

  private Future<Void> listen(long deadline) {
    ListenerConfig config = site.config();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setReusePort(config.reusePort())
        .setTcpNoDelay(true)
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setHandle100ContinueAutomatically(true)
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        .setHttp2ClearTextEnabled(!shape.tls() && shape.http2());
    if (shape.tls()) {
      options.setSsl(true).setUseAlpn(shape.http2())
          .setAlpnVersions(shape.http2() ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1) : List.of(HttpVersion.HTTP_1_1))
          .setKeyCertOptions(ssl.getKeyCertOptions())
          .setTrustOptions(ssl.getTrustOptions())
          .setClientAuth(ssl.getClientAuth())
          .setSni(ssl.isSni())
          .setSslHandshakeTimeout(ssl.getSslHandshakeTimeout())
          .setSslHandshakeTimeoutUnit(ssl.getSslHandshakeTimeoutUnit())
          .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
      ssl.getEnabledCipherSuites().forEach(options::addEnabledCipherSuite);
    }
    options.setMaxWebSocketFrameSize(MAX_WEBSOCKET_FRAME);
    if (options.isHttp2ClearTextEnabled() && !GatewayTransport.guards(vertx)) {
      // Without it the first request of every h2c connection would miss the smuggling guard.
      return Future.failedFuture(new IllegalStateException("listener '" + config.name() + "': http2 on an http "
          + "listener needs a Vert.x built with GatewayTransport (Vertx.builder().withTransport(..)), which "
          + "guards the first request of each h2c connection against request smuggling; this one was not"));
    }
    return SharedSocket.bind(vertx, config, deadline, () -> serve(options));
  }

  private Future<Void> serve(HttpServerOptions options) {
    HttpServer attempt = vertx.createHttpServer(options);
    attempt.connectionHandler(connection -> {
      // On h2c connections FirstBytes swapped the decoder already: Vert.x calls this only once the first
      // request is decoded, too late for a swap, and install leaves a strict decoder alone.
      Framing.install(connection, options);
      ListenerMeters meters = site.meters();
      meters.accepted();
      connection.closeHandler(v -> meters.finished(Termination.CLIENT_CLOSE));
    });
    attempt.requestHandler(this::request);
    attempt.invalidRequestHandler(this::invalid);
    // Called for failures before an HTTP connection exists: on https, a failed or abandoned handshake.
    attempt.exceptionHandler(err -> {
      if (!shape.tls()) return;
      ListenerMeters meters = site.meters();
      meters.handshake(err);
      meters.refused(Termination.TLS_FAILED);
      HandshakeLog.clientFailed(site.listener(), null, err);
    });
    server = attempt;
    return attempt.listen().<Void>mapEmpty().onFailure(err -> attempt.close());
  }

  private void request(HttpServerRequest request) {
    request.pause();
    HttpSite current = site;
    if (!Framing.acceptable(request)) {
      Framing.reject(request);
      current.meters().refused(Termination.BAD_REQUEST);
      log(current, request, "rejected", 400);
      return;
    }
    String host = request.authority() == null ? null : request.authority().toString();
    String path = request.path() == null ? "/" : request.path();
    Route route = current.routes().match(host, path);
    if (route == null) {
      request.resume();
      current.errorPages().send(request.response(), 404);
      log(current, request, "no_route", 404);
      return;
    }
    if (route.config().redirect().isPresent()) {
      var redirect = route.config().redirect().get();
      request.resume();
      request.response().setStatusCode(redirect.status())
          .putHeader("location", Redirect.location(redirect, host, path, request.query()))
          .putHeader("content-length", "0")
          .end();
      log(current, request, "redirect", redirect.status());
      return;
    }
    HttpPool pool = pools.get(route.config().pool());
    if (pool == null) {
      // The config was checked: only a pool that failed to apply (TLS files) is missing here.
      request.resume();
      current.errorPages().send(request.response(), 503);
      log(current, request, "no_target", 503);
      return;
    }
    if (WebSocketUpgrade.isUpgrade(request)) {
      new WebSocketUpgrade(current, request, route, pool).start();
      return;
    }
    new Exchange(current, request, route, pool).start();
  }

  /**
   * A request Netty could not decode (garbage, a request line or headers too long): Vert.x answers it
   * 400, 414 or 431 and closes the connection; it is counted and logged like the smuggling guard's.
   */
  private void invalid(HttpServerRequest request) {
    HttpSite current = site;
    HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
    current.meters().refused(Termination.BAD_REQUEST);
    log(current, request, "rejected", request.response().getStatusCode());
  }

  /** The access log line of a request the gateway answered itself. */
  private static void log(HttpSite site, HttpServerRequest r, String termination, int status) {
    site.log(new HttpAccessLogEntry(System.currentTimeMillis(), site.node(), site.listener(),
        HttpSite.client(r),
        null, null, r.bytesRead(), r.response().bytesWritten(), -1, 0, site.tls(r), termination,
        HttpSite.protocol(r), r.method() == null ? null : r.method().name(), r.authority() == null ? null : r.authority().toString(), r.path(),
        status, -1));
  }

  /** Stops accepting and drains for the longest drain timeout among the pools its routes use. */
  @Override
  public Future<Void> stop(Termination why) {
    return stop(why, longestDrain(site.config(), pools));
  }

  /** The longest {@code drainTimeout} among the pools the listener's routes use. */
  static Duration longestDrain(ListenerConfig config, PoolClients pools) {
    Duration drain = Duration.ZERO;
    for (RouteConfig route : routes(config)) {
      HttpPool pool = pools.get(route.pool());
      if (pool != null && pool.pool().drainTimeout().compareTo(drain) > 0) drain = pool.pool().drainTimeout();
    }
    return drain;
  }

  /**
   * Stops accepting at once; requests in flight may finish within {@code drain} (idle keep-alive
   * connections close at once, HTTP/2 clients get a GOAWAY), then what is left is closed.
   */
  @Override
  public Future<Void> stop(Termination why, Duration drain) {
    if (stopped != null) return stopped;
    ListenerConfig config = site.config();
    stoppedSocket = new SharedSocket.Stopped(vertx, config.host(), config.port());
    stopped = server == null ? Future.succeededFuture()
        : server.shutdown(Math.max(0, drain.toMillis()), TimeUnit.MILLISECONDS);
    return stopped;
  }

  @Override
  public void closeNow(Termination why) {
    if (server != null) server.close();
  }

  @Override
  public SharedSocket.Stopped stoppedSocket() {
    return stoppedSocket;
  }

  /** Requests pick among enabled targets only; a request in flight to a draining target finishes. */
  @Override
  public void drainTargets(Map<String, Pool> pools) {}
}
