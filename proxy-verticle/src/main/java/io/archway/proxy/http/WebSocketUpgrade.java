package io.archway.proxy.http;

import io.archway.core.config.PoolProtocol;
import io.archway.proxy.accesslog.HttpAccessLogEntry;
import io.archway.proxy.connect.ConnectLog;
import io.archway.proxy.pool.Target;
import io.archway.proxy.route.Route;
import io.archway.proxy.websocket.FrameRelay;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A WebSocket upgrade through an HTTP listener: the handshake is made with a target first (other
 * targets tried on a connect failure), then the client's is accepted with the target's subprotocol and
 * frames are relayed both ways ({@link FrameRelay}). No target: 503; none accepted: 502, before the
 * client is upgraded.
 */
final class WebSocketUpgrade {

  /** Handshake headers each side makes for itself. */
  private static final Set<String> OWN = Set.of("host", "sec-websocket-key", "sec-websocket-version",
      "sec-websocket-extensions", "sec-websocket-protocol", "origin");

  private final HttpSite site;
  private final HttpServerRequest request;
  private final Route route;
  private final HttpPool pool;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private final int[] tried;
  private int triedCount;
  private Target target;
  private long connectNanos = -1;

  WebSocketUpgrade(HttpSite site, HttpServerRequest request, Route route, HttpPool pool) {
    this.site = site;
    this.request = request;
    this.route = route;
    this.pool = pool;
    int retries = route.config().retries() >= 0 ? route.config().retries() : pool.pool().config().retries();
    this.tried = new int[retries + 1];
  }

  static boolean isUpgrade(HttpServerRequest request) {
    return request.version() != HttpVersion.HTTP_2 && request.canUpgradeToWebSocket();
  }

  /** An HTTP/1.1 request asking for a WebSocket ({@code Connection: upgrade}, {@code Upgrade: websocket}). */
  static boolean isUpgrade(io.vertx.core.MultiMap headers) {
    String upgrade = headers.get("upgrade");
    if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")) return false;
    for (String value : headers.getAll("connection")) {
      for (String token : value.split(",")) {
        if (token.trim().equalsIgnoreCase("upgrade")) return true;
      }
    }
    return false;
  }

  void start() {
    int index = triedCount < tried.length ? pool.pick(tried, triedCount) : -1;
    if (index < 0) {
      int status = triedCount == 0 ? 503 : 502;
      request.resume();
      site.errorPages().send(request.response(), status);
      log(triedCount == 0 ? "no_target" : "connect_failed", status);
      return;
    }
    tried[triedCount++] = index;
    Target t = pool.target(index);
    target = t;
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(t.address().host())
        .setPort(t.address().port())
        .setSsl(pool.pool().config().protocol() == PoolProtocol.HTTPS)
        .setURI(uri())
        .setConnectTimeout(pool.pool().config().connectTimeout().toMillis())
        .setIdleTimeout(site.idleMillis())
        .setAllowOriginHeader(false);
    String origin = request.getHeader("origin");
    var headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
    HopByHop.copy(request.headers(), headers, OWN);
    if (origin != null) headers.set("origin", origin);
    if (request.authority() != null) headers.set("host", request.authority().toString());
    ClientHeaders.add(site.forwarded(), headers, request.remoteAddress(), request.isSSL() ? "https" : "http",
        request.authority() == null ? null : request.authority().toString(), site.port());
    HeaderEdits.apply(route.config().requestHeaders(), headers);
    headers.forEach(options::addHeader);
    List<String> protocols = new ArrayList<>();
    for (String value : request.headers().getAll("sec-websocket-protocol")) {
      for (String p : value.split(",")) if (!p.isBlank()) protocols.add(p.trim());
    }
    options.setSubProtocols(protocols);
    pool.webSockets().connect(options).onComplete(ar -> {
      if (ar.failed()) {
        t.connectFailed();
        ConnectLog.failed(pool.name(), t.key(), ar.cause());
        start();
        return;
      }
      connectNanos = System.nanoTime() - startNanos;
      accept(ar.result());
    });
  }

  private String uri() {
    String path = route.targetPath(request.path() == null ? "/" : request.path());
    return request.query() == null ? path : path + "?" + request.query();
  }

  private void accept(WebSocket toTarget) {
    toTarget.pause();
    // A target may close before the client is upgraded: its close must still reach the client.
    toTarget.closeHandler(v -> { });
    request.toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        toTarget.close();
        log("client_close", 0);
        return;
      }
      if (toTarget.isClosed()) {
        ar.result().close(FrameRelay.status(toTarget), toTarget.closeReason())
            .onComplete(done -> log("backend_close", 101));
        return;
      }
      FrameRelay.start(ar.result(), toTarget).onComplete(done -> log(done.result(), 101));
      toTarget.resume();
    });
  }

  private void log(String termination, int status) {
    site.log(new HttpAccessLogEntry(startMillis, site.node(), site.listener(), HttpSite.client(request),
        target == null ? null : target.key(), pool.name(), request.bytesRead(), request.response().bytesWritten(),
        connectNanos, System.nanoTime() - startNanos, site.tls(request), termination,
        HttpSite.protocol(request), request.method().name(), request.authority() == null ? null : request.authority().toString(), request.path(), status, connectNanos));
  }
}
