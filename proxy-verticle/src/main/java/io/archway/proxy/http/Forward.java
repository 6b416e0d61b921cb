package io.archway.proxy.http;

import io.archway.core.config.PoolProtocol;
import io.archway.proxy.accesslog.HttpAccessLogEntry;
import io.archway.proxy.connect.ConnectLog;
import io.archway.proxy.connect.Connector;
import io.archway.proxy.pool.Target;
import io.archway.proxy.relay.Termination;
import io.archway.proxy.route.Redirect;
import io.archway.proxy.route.Route;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * One client request on a {@link PlainHttpListener}, forwarded at the Netty level: routed, then sent on a
 * kept-alive connection to a target of the route's pool (the affinity cookie's, else round robin), its
 * body and the target's response passed on as Netty decoded them, without copies, flushed once per read
 * burst. Connect failures of idempotent requests move on to other targets; no target is 503, every
 * attempt failed is 502, no response head within the route's timeout is 504. The same outcomes, access
 * log lines and meters as the Vert.x path ({@link Exchange}). Confined to the client's event loop.
 */
final class Forward {

  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  private final ClientEnd client;
  private final HttpSite site;
  private final HttpRequest request;
  /** Set only when the exchange is logged ({@code site.logging()}): with the access log off it reads no clock. */
  private final long startNanos;
  private final String method;
  private final String host;
  private final String path;
  private final String query;
  private final HttpVersion version;
  private Route route;
  private HttpPool pool;
  private int[] tried;
  private int triedCount;
  private Target target;
  private int targetIndex = -1;
  private TargetConnection backend;
  /** Body parts read before a target connection was there to take them. */
  private final ArrayDeque<HttpContent> early = new ArrayDeque<>(2);
  private boolean hasBody;
  private boolean upgrade;
  private boolean requestEnded;
  private boolean answered;
  private boolean responseEnded;
  private boolean finished;
  /** The client's connection ends after this response. */
  private boolean closeClient;
  private boolean targetKeepAlive;
  private boolean reopened;
  private String lastFailure = "connect_failed";
  private boolean timerArmed;
  private final Runnable expiry = this::timedOut;
  private long connectNanos = -1;
  private long upstreamNanos = -1;
  private long bytesIn;
  private long bytesOut;
  private int status;
  private boolean wroteToClient;

  Forward(ClientEnd client, HttpSite site, HttpRequest request) {
    this.client = client;
    this.site = site;
    this.request = request;
    this.startNanos = site.logging() ? System.nanoTime() : 0;
    this.method = request.method().name();
    this.version = request.protocolVersion();
    this.host = request.headers().get(HttpHeaderNames.HOST);
    String uri = request.uri();
    int scheme = uri.indexOf("://");
    if (scheme > 0 && uri.indexOf('/') > scheme) {
      // absolute-form: the path starts after the authority
      int slash = uri.indexOf('/', scheme + 3);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    int q = uri.indexOf('?');
    this.path = q < 0 ? uri : uri.substring(0, q);
    this.query = q < 0 ? null : uri.substring(q + 1);
    this.closeClient = !HttpUtil.isKeepAlive(request) || client.closing();
  }

  // ---- the request ----

  void start() {
    MultiMap headers = (MultiMap) request.headers();
    if (!Framing.acceptable(version == HttpVersion.HTTP_1_0, headers)) {
      site.meters().refused(Termination.BAD_REQUEST);
      closeClient = true;
      answer(plain(HttpResponseStatus.BAD_REQUEST, "bad request: ambiguous message length\n"), "rejected");
      return;
    }
    hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    if (HttpUtil.is100ContinueExpected(request)) {
      client.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      client.flush();
    }
    route = site.routes().match(host, path.isEmpty() ? "/" : path);
    if (route == null) {
      answer(site.errorPages().response(404), "no_route");
      return;
    }
    if (route.config().redirect().isPresent()) {
      var redirect = route.config().redirect().get();
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(redirect.status()));
      r.headers().set(HttpHeaderNames.LOCATION, Redirect.location(redirect, host, path, query));
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
      answer(r, "redirect");
      return;
    }
    pool = site.pools().get(route.config().pool());
    if (pool == null) {
      answer(site.errorPages().response(503), "no_target");
      return;
    }
    int retries = route.config().retries() >= 0 ? route.config().retries() : pool.pool().config().retries();
    tried = new int[IDEMPOTENT.contains(request.method()) ? retries + 1 : 1];
    upgrade = WebSocketUpgrade.isUpgrade(headers);
    String upgradeTo = upgrade ? headers.get(HttpHeaderNames.UPGRADE) : null;
    boolean chunked = HttpUtil.isTransferEncodingChunked(request);
    HopByHop.strip(request.headers(), HttpHeaderNames.EXPECT);
    ClientHeaders.add(site.forwarded(), headers, client.remoteIp(), "http", host, site.port());
    HeaderEdits.apply(route.config().requestHeaders(), headers);
    if (chunked) headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    if (upgrade) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, upgradeTo);
    }
    request.setUri(targetUri());
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    armTimer();
    next();
  }

  /** A part of the request's body (or its end) from the client. */
  void fromClient(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      // A malformed chunk: the body cannot be trusted; nothing more of this connection is read.
      ReferenceCountUtil.release(content);
      closeClient = true;
      client.close();
      return;
    }
    boolean last = content instanceof LastHttpContent;
    bytesIn += content.content().readableBytes();
    if (last) requestEnded = true;
    if (!hasBody || finished || answered && backend == null) {
      ReferenceCountUtil.release(content);
    } else if (backend == null) {
      early.add(content);
    } else {
      backend.idle().touch();
      backend.channel().write(content, backend.channel().voidPromise());
    }
    if (last && hasBody && !answered && !finished && backend != null) armTimer();
    if (last) maybeDone();
  }

  /** The client's read burst is over: what it sent goes out to the target in one flush. */
  void clientReadComplete() {
    if (backend != null) backend.channel().flush();
  }

  /** Whether the client's connection should be read: its body has somewhere to go. */
  boolean wantsClientBytes() {
    if (requestEnded) return false;
    if (!hasBody || answered && backend == null) return true;
    return backend != null && backend.channel().isWritable();
  }

  boolean requestEnded() {
    return requestEnded;
  }

  void clientWritabilityChanged() {
    if (backend != null) backend.channel().config().setAutoRead(client.isWritable());
  }

  void clientClosed() {
    if (finished) return;
    finish("client_close", answered ? status : 0);
    dropBackend();
  }

  private String targetUri() {
    String to = route.targetPath(path.isEmpty() ? "/" : path);
    return query == null ? to : to + "?" + query;
  }

  // ---- the target ----

  private void next() {
    int index = pool.next(tried, triedCount, () -> cookie(pool.http().affinityCookie()));
    if (index < 0) {
      boolean none = triedCount == 0;
      fail(none ? 503 : 502, none ? "no_target" : lastFailure);
      return;
    }
    tried[triedCount++] = index;
    targetIndex = index;
    open(pool.target(index));
  }

  private void open(Target t) {
    target = t;
    var tls = pool.pool().config().protocol() == PoolProtocol.HTTPS ? pool.pool().tls() : null;
    pool.connections().lease(t, tls, client.transport(), (connection, err) -> {
      if (err != null) {
        ConnectLog.failed(pool.name(), t.key(), err);
        if (Connector.closedOnThisSide(err) && !reopened && !finished) {
          reopened = true;
          open(t);
          return;
        }
        t.connectFailed();
        lastFailure = "connect_failed";
        if (!finished) next();
        return;
      }
      if (finished || answered) {
        pool.connections().release(connection, true);
        return;
      }
      send(connection);
    });
  }

  private void send(TargetConnection connection) {
    backend = connection;
    connection.attach(this);
    if (site.logging() && connectNanos < 0) connectNanos = System.nanoTime() - startNanos;
    Channel ch = connection.channel();
    connection.idle().touch();
    ch.config().setAutoRead(client.isWritable());
    if (!request.headers().contains(HttpHeaderNames.HOST)) {
      request.headers().set(HttpHeaderNames.HOST, target.address().toString());
    }
    connection.sending(request.method() == HttpMethod.HEAD);
    if (!hasBody) {
      // Head and end as one message: one buffer, so one write(2) rather than a writev(2) with an empty part.
      ch.write(new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
          Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE), ch.voidPromise());
    } else {
      ch.write(request, ch.voidPromise());
      // A long upload is not a slow target: the timeout waits for the body.
      cancelTimer();
      HttpContent part;
      while ((part = early.poll()) != null) ch.write(part, ch.voidPromise());
      if (requestEnded) armTimer();
    }
    ch.flush();
    client.updateReading();
  }

  /** A message of the target's response. */
  void fromTarget(Object msg) {
    if (finished && !(msg instanceof HttpResponse) || backend == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse head) {
      if (head.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        backend.close();
        return;
      }
      int code = head.status().code();
      if (code < 200 && code != 101) {
        // 100 Continue and the like: the gateway answered the client's expectation itself.
        ReferenceCountUtil.release(msg);
        return;
      }
      responseHead(head);
      if (upgrade && code == 101) {
        tunnel();
        return;
      }
    }
    if (msg instanceof HttpContent part) {
      if (part.decoderResult().isFailure()) {
        // Cut short (the target closed before the length it announced): the client must see it broken.
        ReferenceCountUtil.release(msg);
        backend.close();
        return;
      }
      bytesOut += part.content().readableBytes();
      wroteToClient = true;
      client.idle().touch();
      if (part instanceof LastHttpContent) {
        responseEnded = true;
        TargetConnection done = backend;
        backend = null;
        done.attach(null);
        done.channel().config().setAutoRead(true);
        pool.connections().release(done, targetKeepAlive && requestEnded);
        // Logged first: on HTTP/2 the stream may close (and the exchange hear it) as the end goes out.
        finish("complete", status);
        client.end(part, closeClient);
        maybeDone();
      } else {
        client.write(part);
        if (!client.isWritable()) backend.channel().config().setAutoRead(false);
      }
    }
  }

  private void responseHead(HttpResponse head) {
    cancelTimer();
    if (site.logging()) upstreamNanos = System.nanoTime() - startNanos;
    status = head.status().code();
    HttpHeaders headers = head.headers();
    targetKeepAlive = HttpUtil.isKeepAlive(head);
    String upgradeTo = headers.get(HttpHeaderNames.UPGRADE);
    HopByHop.strip(headers, null);
    HeaderEdits.apply(route.config().responseHeaders(), (MultiMap) headers);
    if (pool.affinity()) affinityCookie(headers);
    boolean bodyless = request.method() == HttpMethod.HEAD || status == 204 || status == 304 || status < 200;
    if (status == 101 && upgrade) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      if (upgradeTo != null) headers.set(HttpHeaderNames.UPGRADE, upgradeTo);
    } else {
      if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        if (version == HttpVersion.HTTP_1_0) {
          closeClient = true;
        } else {
          headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
      }
      if (unreadBodyEndsConnection()) closeClient = true;
      if (closeClient) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (version == HttpVersion.HTTP_1_0) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    }
    head.setProtocolVersion(version);
    answered = true;
    wroteToClient = true;
    client.idle().touch();
    client.write(head);
  }

  /** The target's read burst is over: what it sent goes out to the client in one flush. */
  void targetReadComplete() {
    if (wroteToClient) {
      wroteToClient = false;
      client.flush();
    }
  }

  void targetWritabilityChanged() {
    client.updateReading();
  }

  /** The target's connection closed while this exchange held it. */
  void targetClosed() {
    backend = null;
    if (finished) return;
    if (!answered) {
      ConnectLog.requestFailed(pool.name(), target.key(), new java.io.IOException("the target closed the connection"));
      // A kept-alive connection the target closed as the request went out: an idempotent request
      // without a body may go to another target, as after a failed connect.
      if (!hasBody && IDEMPOTENT.contains(request.method()) && triedCount < tried.length) {
        lastFailure = "backend_close";
        next();
      } else {
        fail(502, "backend_close");
      }
      return;
    }
    // Mid-body: the client must see a broken response, not a short one.
    client.close();
    finish("backend_close", status);
  }

  /** The target switched protocols (a WebSocket): from now on both connections relay bytes as they are. */
  private void tunnel() {
    TargetConnection connection = backend;
    backend = null;
    connection.attach(null);
    cancelTimer();
    releaseEarly();
    client.tunnel(this, connection.channel(), connection.idle(), why -> finish(why, 101));
  }

  // ---- answers, timeouts, the end ----

  private void affinityCookie(HttpHeaders headers) {
    String value = pool.cookieValue(targetIndex);
    if (value.equals(cookie(pool.http().affinityCookie()))) return;
    headers.add(HttpHeaderNames.SET_COOKIE, Cookie.cookie(pool.http().affinityCookie(), value)
        .setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX).encode());
  }

  private String cookie(String name) {
    for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
      for (var c : ServerCookieDecoder.LAX.decode(header)) {
        if (c.name().equals(name)) return c.value();
      }
    }
    return null;
  }

  private void timedOut() {
    timerArmed = false;
    if (finished || answered) return;
    fail(504, "request_timeout");
    dropBackend();
  }

  /** Answers with the gateway's own error page, unless the response has begun. */
  private void fail(int code, String termination) {
    if (finished) return;
    if (!answered && client.isActive()) {
      answer(site.errorPages().response(code), termination);
    } else {
      client.close();
      finish(termination, code);
    }
  }

  /** Sends the gateway's own answer (an error page, a redirect, a refusal) and ends the exchange. */
  private void answer(FullHttpResponse response, String termination) {
    cancelTimer();
    answered = true;
    status = response.status().code();
    if (unreadBodyEndsConnection()) closeClient = true;
    if (closeClient) response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    response.setProtocolVersion(version);
    bytesOut = response.content().readableBytes();
    responseEnded = true;
    finish(termination, status);
    client.end(response, closeClient);
    maybeDone();
  }

  /**
   * Answered before the request body is all in: on HTTP/1.x the rest would be taken for the next
   * request, so that connection ends; an HTTP/2 stream reads the rest and drops it, so the client's
   * upload ends without a reset.
   */
  private boolean unreadBodyEndsConnection() {
    return !requestEnded && hasBody && !client.multiplexed();
  }

  static FullHttpResponse plain(HttpResponseStatus status, String body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  /** Closes the target connection this exchange holds, if any: it is in an unknown state. */
  private void dropBackend() {
    TargetConnection b = backend;
    backend = null;
    if (b != null) {
      b.attach(null);
      b.close();
    }
    releaseEarly();
  }

  private void releaseEarly() {
    HttpContent part;
    while ((part = early.poll()) != null) ReferenceCountUtil.release(part);
  }

  /** The route's timeout, counted afresh: from arrival, and again once a request body is sent in full. */
  private void armTimer() {
    timerArmed = true;
    client.deadline().arm(expiry, route.config().timeout().toMillis());
  }

  private void cancelTimer() {
    if (timerArmed) {
      timerArmed = false;
      client.deadline().clear(expiry);
    }
  }

  /** Once both the response and the request are over, the client's connection takes its next request. */
  private void maybeDone() {
    if (responseEnded && (requestEnded || closeClient)) {
      client.exchangeDone(this, !closeClient);
    }
  }

  private void finish(String termination, int code) {
    if (finished) return;
    finished = true;
    cancelTimer();
    releaseEarly();
    // Answered before the request's end: the rest of its body is read now, and dropped.
    if (!requestEnded) client.updateReading();
    if (!site.logging()) {
      site.count(bytesIn, bytesOut);
      return;
    }
    long tookNanos = System.nanoTime() - startNanos;
    long startMillis = System.currentTimeMillis() - tookNanos / 1_000_000;
    site.log(new HttpAccessLogEntry(startMillis, site.node(), site.listener(), client.remoteAddress(),
        target == null ? null : target.key(), pool == null ? null : pool.name(), bytesIn, bytesOut,
        connectNanos, tookNanos, null, termination,
        client.protocol(version), method, host, path.isEmpty() ? "/" : path, code,
        upstreamNanos));
  }
}
