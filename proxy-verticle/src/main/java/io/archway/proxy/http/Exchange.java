package io.archway.proxy.http;

import io.archway.core.config.PoolProtocol;
import io.archway.proxy.accesslog.HttpAccessLogEntry;
import io.archway.proxy.connect.ConnectLog;
import io.archway.proxy.connect.Connector;
import io.archway.proxy.pool.Target;
import io.archway.proxy.route.Route;
import io.vertx.core.AsyncResult;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.Set;

/**
 * One client request forwarded to a pool: a target picked (the affinity cookie's, else round robin),
 * the request streamed to it with backpressure, and its response streamed back. Connect failures of
 * idempotent requests move on to other targets; no target is 503, every attempt failed is 502, and no
 * response headers within the route's timeout is 504. Confined to the verticle's context.
 */
final class Exchange {

  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);
  /** Request headers the gateway writes itself. */
  private static final Set<String> OWN_REQUEST_HEADERS = Set.of("host", "expect");

  private final HttpSite site;
  private final HttpServerRequest request;
  private final Route route;
  private final HttpPool pool;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private final int[] tried;
  private int triedCount;
  private Target target;
  private int targetIndex = -1;
  private HttpClientRequest backend;
  private long timer = -1;
  private long connectNanos = -1;
  private long upstreamNanos = -1;
  /** The response head is written (ours or the target's): no error page can follow any more. */
  private boolean answered;
  private boolean finished;
  /** True for a request without body: nothing of it was streamed, so it may be sent again. */
  private boolean resendable;
  /** What to log if no target is left to try: the last attempt's failure. */
  private String lastFailure = "connect_failed";
  /** Whether a connection closed on this side before its target answered was opened again (once). */
  private boolean reopened;
  /** The termination of an exchange the gateway answered itself (an error page), while it is sent. */
  private String gatewayAnswer;

  Exchange(HttpSite site, HttpServerRequest request, Route route, HttpPool pool) {
    this.site = site;
    this.request = request;
    this.route = route;
    this.pool = pool;
    int retries = route.config().retries() >= 0 ? route.config().retries() : pool.pool().config().retries();
    this.tried = new int[IDEMPOTENT.contains(request.method()) ? retries + 1 : 1];
  }

  void start() {
    armTimer();
    request.response().closeHandler(v -> clientGone());
    request.exceptionHandler(err -> clientGone());
    next();
  }

  private void next() {
    int index = pool.next(tried, triedCount, () -> {
      Cookie cookie = request.getCookie(pool.http().affinityCookie());
      return cookie == null ? null : cookie.getValue();
    });
    if (index < 0) {
      boolean none = triedCount == 0;
      fail(none ? 503 : 502, none ? "no_target" : lastFailure);
      return;
    }
    tried[triedCount++] = index;
    targetIndex = index;
    open(pool.target(index));
  }

  /** Asks the pool's client for a request to {@code t}: a kept-alive connection or a new one. */
  private void open(Target t) {
    target = t;
    String host = pool.pool().config().tls().flatMap(tls -> tls.sni())
        .filter(s -> pool.pool().config().protocol() == PoolProtocol.HTTPS).orElse(t.address().host());
    RequestOptions options = new RequestOptions()
        .setServer(SocketAddress.inetSocketAddress(t.address().port(), t.address().host()))
        .setHost(host)
        .setPort(t.address().port())
        .setMethod(request.method())
        .setURI(targetUri())
        .setFollowRedirects(false)
        .setIdleTimeout(Math.min(site.idleMillis(), pool.pool().config().idleTimeout().toMillis()));
    pool.client().request(options).onComplete(ar -> {
      if (ar.failed()) {
        ConnectLog.failed(pool.name(), t.key(), ar.cause());
        if (Connector.closedOnThisSide(ar.cause()) && !reopened && !finished) {
          reopened = true;
          open(t);
          return;
        }
        t.connectFailed();
        lastFailure = "connect_failed";
        if (!finished) next();
        return;
      }
      HttpClientRequest out = ar.result();
      // Its failures reach this exchange through the response future and the pipe; the resets are ours
      // (the client left, the timeout passed) and no error to report.
      out.exceptionHandler(err -> { });
      if (finished) {
        out.reset();
        return;
      }
      send(out);
    });
  }

  private String targetUri() {
    String path = route.targetPath(request.path() == null ? "/" : request.path());
    String query = request.query();
    return query == null ? path : path + "?" + query;
  }

  private void send(HttpClientRequest out) {
    backend = out;
    connectNanos = System.nanoTime() - startNanos;
    HopByHop.copy(request.headers(), out.headers(), OWN_REQUEST_HEADERS);
    HostAndPort authority = request.authority();
    if (authority != null) out.authority(authority);
    ClientHeaders.add(site.forwarded(), out.headers(), request.remoteAddress(), request.isSSL() ? "https" : "http",
        authority == null ? null : authority.toString(), site.port());
    HeaderEdits.apply(route.config().requestHeaders(), out.headers());
    boolean hasBody = request.headers().contains("content-length") || request.headers().contains("transfer-encoding")
        || (request.version() == HttpVersion.HTTP_2 && !request.isEnded());
    if (hasBody && !out.headers().contains("content-length") && pool.http().version() == 1) out.setChunked(true);
    out.response().onComplete(this::responded);
    resendable = !hasBody;
    if (hasBody) {
      // A long upload is not a slow target: the timeout waits for the body, bounded by the idle timeout.
      cancelTimer();
      request.pipe().endOnFailure(false).to(out).onComplete(done -> {
        if (done.failed()) {
          clientGone();
          out.reset();
        } else if (!answered && !finished) {
          armTimer();
        }
      });
    } else {
      request.resume();
      out.end();
    }
  }

  private void responded(AsyncResult<HttpClientResponse> ar) {
    if (finished) {
      if (ar.succeeded()) {
        ar.result().exceptionHandler(err -> { });
        ar.result().request().reset();
      }
      return;
    }
    if (ar.failed()) {
      ConnectLog.requestFailed(pool.name(), target.key(), ar.cause());
      // A pooled connection the target closed as the request went out: an idempotent request without
      // a body may go to another target, as after a failed connect.
      if (resendable && !answered && IDEMPOTENT.contains(request.method()) && triedCount < tried.length) {
        backend = null;
        lastFailure = "backend_close";
        next();
      } else {
        fail(502, "backend_close");
      }
      return;
    }
    cancelTimer();
    upstreamNanos = System.nanoTime() - startNanos;
    HttpClientResponse in = ar.result();
    HttpServerResponse out = request.response();
    out.setStatusCode(in.statusCode());
    if (request.version() != HttpVersion.HTTP_2 && in.statusMessage() != null) out.setStatusMessage(in.statusMessage());
    HopByHop.copy(in.headers(), out.headers(), Set.of());
    HeaderEdits.apply(route.config().responseHeaders(), out.headers());
    if (pool.affinity()) affinityCookie(out);
    int status = in.statusCode();
    boolean bodyless = request.method() == HttpMethod.HEAD || status == 204 || status == 304 || status < 200;
    if (!bodyless && !out.headers().contains("content-length") && request.version() != HttpVersion.HTTP_1_0) {
      out.setChunked(true);
    }
    answered = true;
    in.exceptionHandler(err -> { });
    in.pipe().endOnFailure(false).to(out).onComplete(done -> {
      if (done.succeeded()) {
        finish("complete", status);
      } else {
        // Either side failed mid-body; a target's failure must reach the client as a broken response.
        boolean clientLeft = clientLeft();
        closeClient();
        finish(clientLeft ? "client_close" : "backend_close", status);
      }
    });
  }

  private void affinityCookie(HttpServerResponse out) {
    String value = pool.cookieValue(targetIndex);
    Cookie sent = request.getCookie(pool.http().affinityCookie());
    if (sent != null && value.equals(sent.getValue())) return;
    out.addCookie(Cookie.cookie(pool.http().affinityCookie(), value)
        .setPath("/").setHttpOnly(true).setSecure(request.isSSL()).setSameSite(CookieSameSite.LAX));
  }

  private void timedOut() {
    if (finished || answered) return;
    fail(504, "request_timeout");
    if (backend != null) backend.reset();
  }

  /** Answers with the gateway's own error page, unless the response has begun. */
  private void fail(int status, String termination) {
    if (finished) return;
    cancelTimer();
    if (!answered && !request.response().closed()) {
      answered = true;
      // A request body not read would be taken for the next request: that HTTP/1.x connection ends.
      boolean unread = request.version() != HttpVersion.HTTP_2 && !request.isEnded() && hasBody(request);
      if (unread) {
        request.response().putHeader("connection", "close");
      } else {
        request.resume();
      }
      // Sending may close the client's stream at once (HTTP/2), before finish() below: clientGone() then
      // needs this exchange's own termination.
      gatewayAnswer = termination;
      site.errorPages().send(request.response(), status).onComplete(v -> {
        if (unread) request.connection().close();
      });
    } else {
      closeClient();
    }
    finish(termination, status);
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader("content-length");
    return request.headers().contains("transfer-encoding") || (length != null && !length.trim().equals("0"));
  }

  private void clientGone() {
    if (finished) return;
    cancelTimer();
    if (request.response().ended()) {
      // The whole response was written and the connection then closed (a client's "Connection: close",
      // or one that hung up at once): the close handler can run before the pipe says it is done.
      finish(gatewayAnswer != null ? gatewayAnswer : "complete", request.response().getStatusCode());
      return;
    }
    // Finished first: the reset fails the response future at once, and responded() must then see an
    // exchange that is over, not a target that failed (the soak logged such clients as 502s).
    finish("client_close", answered ? request.response().getStatusCode() : 0);
    if (backend != null) backend.reset();
  }

  /** Whether the client's stream or connection is gone (then a failed pipe is the client's doing). */
  private boolean clientLeft() {
    if (request.response().closed()) return true;
    return request.connection() instanceof io.vertx.core.net.impl.ConnectionBase c && !c.channel().isActive();
  }

  private void closeClient() {
    if (request.version() == HttpVersion.HTTP_2) {
      request.response().reset();
    } else {
      request.connection().close();
    }
  }

  /** The route's timeout, counted afresh: from arrival, and again once a request body is sent in full. */
  private void armTimer() {
    cancelTimer();
    timer = site.vertx().setTimer(Math.max(1, route.config().timeout().toMillis()), id -> {
      timer = -1;
      timedOut();
    });
  }

  private void cancelTimer() {
    if (timer >= 0) {
      site.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  private void finish(String termination, int status) {
    if (finished) return;
    finished = true;
    cancelTimer();
    site.log(new HttpAccessLogEntry(startMillis, site.node(), site.listener(), HttpSite.client(request),
        target == null ? null : target.key(), pool.name(), request.bytesRead(), request.response().bytesWritten(),
        connectNanos, System.nanoTime() - startNanos, site.tls(request), termination,
        HttpSite.protocol(request), request.method().name(), request.authority() == null ? null : request.authority().toString(), request.path(), status, upstreamNanos));
  }
}
