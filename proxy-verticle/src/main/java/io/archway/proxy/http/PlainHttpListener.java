package io.archway.proxy.http;

import io.archway.core.config.ListenerConfig;
import io.archway.proxy.accesslog.AccessLog;
import io.archway.proxy.listener.Acceptor;
import io.archway.proxy.listener.ListenerMeters;
import io.archway.proxy.listener.RunningListener;
import io.archway.proxy.listener.SharedSocket;
import io.archway.proxy.pool.Pool;
import io.archway.proxy.relay.Termination;
import io.archway.proxy.route.RouteTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.impl.VertxHttpResponseEncoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One plain (cleartext) {@code http} listener whose routes use no HTTP/2 pool, on one proxy verticle,
 * forwarding at the Netty level: an {@link Acceptor} accepts, then each connection's pipeline is
 * Netty's HTTP codecs and the gateway's own handlers ({@link ClientConnection}, {@link Forward}), with
 * kept-alive connections to the targets ({@link TargetConnections}) on the same event loop. With
 * {@code http2: true} a connection may also be h2c, by prior knowledge or {@code Upgrade} ({@link H2c}).
 * Routes, headers, error pages, retries, timeouts, affinity, WebSockets (as a byte tunnel after the
 * 101), access log and meters are those of the Vert.x path ({@link HttpListener}), which serves https
 * listeners and HTTP/2 pools. Confined to the verticle's context.
 */
public final class PlainHttpListener implements HttpFront {

  /** Vert.x closes what is left this long after our own drain deadline, which always comes first. */
  private static final long VERTX_GRACE_MS = 5_000;
  /** Vert.x's defaults for request lines (4 KiB), headers (8 KiB) and body parts. */
  private static final HttpServerOptions DECODER = new HttpServerOptions();

  private final Vertx vertx;
  private final String node;
  private final MeterRegistry registry;
  private final AccessLog accessLog;
  private final PoolClients pools;
  private final HttpListener.Shape shape;
  private final Set<ClientConnection> connections = new HashSet<>();
  private final ContextInternal context;
  private Acceptor acceptor;
  private HttpSite site;
  private Promise<Void> drained;
  private Future<Void> stopped;
  private SharedSocket.Stopped stoppedSocket;

  public PlainHttpListener(Vertx vertx, String node, MeterRegistry registry, AccessLog accessLog, PoolClients pools,
      ListenerConfig config, boolean logEnabled, HttpListener.Shape shape) throws IOException {
    this.vertx = vertx;
    this.node = node;
    this.registry = registry;
    this.accessLog = accessLog;
    this.pools = pools;
    this.shape = shape;
    this.context = (ContextInternal) vertx.getOrCreateContext();
    update(config, logEnabled, null, null);
  }

  @Override
  public HttpListener.Shape shape() {
    return shape;
  }

  @Override
  public void update(ListenerConfig config, boolean logEnabled, ServerSSLOptions ssl, Object sslVersion)
      throws IOException {
    ErrorPages pages = ErrorPages.load(config.http().errorPages());
    ListenerMeters meters = site != null && site.listener().equals(config.name())
        ? site.meters() : new ListenerMeters(registry, config.name());
    site = new HttpSite(vertx, node, config, RouteTable.of(HttpListener.routes(config)), pages, meters, accessLog,
        logEnabled, pools);
  }

  HttpSite site() {
    return site;
  }

  @Override
  public Future<Void> bind(RunningListener previous) {
    return SharedSocket.bindAfter(previous, this::listen);
  }

  private Future<Void> listen(long deadline) {
    ListenerConfig config = site.config();
    return SharedSocket.bind(vertx, config, deadline,
        () -> Acceptor.listen(context, config, this::accept).onSuccess(a -> acceptor = a).mapEmpty());
  }

  /** Puts the HTTP pipeline in, before a byte is read. */
  private void accept(Channel ch) {
    if (drained != null) {
      ch.close();
      return;
    }
    HttpSite current = site;
    current.meters().accepted();
    ClientConnection connection = new ClientConnection(this, IdleWatch.start(ch, current.config().idleTimeout().toMillis()));
    connections.add(connection);
    ChannelPipeline p = ch.pipeline();
    boolean h2c = current.config().http().http2();
    if (h2c) p.addLast("preface", new H2cPreface(connection));
    p.addLast("decoder", Framing.strictDecoder(DECODER));
    p.addLast("encoder", new VertxHttpResponseEncoder());
    if (h2c) p.addLast("upgrade", H2c.upgradeHandler(connection));
    p.addLast("client", connection);
    ch.closeFuture().addListener(f -> {
      if (connections.remove(connection)) current.meters().finished(Termination.CLIENT_CLOSE);
      if (drained != null && connections.isEmpty()) drained.tryComplete();
    });
  }

  /** Stops accepting and drains for the longest drain timeout among the pools its routes use. */
  @Override
  public Future<Void> stop(Termination why) {
    return stop(why, HttpListener.longestDrain(site.config(), pools));
  }

  /**
   * Stops accepting at once; idle keep-alive connections close at once, requests in flight may finish
   * within {@code drain} (their connection closes after the response), then what is left is closed.
   */
  @Override
  public Future<Void> stop(Termination why, Duration drain) {
    if (stopped != null) return stopped;
    ListenerConfig config = site.config();
    drained = Promise.promise();
    stoppedSocket = new SharedSocket.Stopped(vertx, config.host(), config.port());
    Future<Void> unbound = acceptor == null ? Future.succeededFuture()
        : acceptor.stop(drain.toMillis() + VERTX_GRACE_MS);
    new ArrayList<>(connections).forEach(c -> c.drain(drain));
    if (connections.isEmpty()) {
      drained.tryComplete();
    } else {
      long timer = vertx.setTimer(Math.max(1, drain.toMillis()), id -> closeNow(why));
      drained.future().onComplete(done -> vertx.cancelTimer(timer));
    }
    stopped = Future.join(unbound, drained.future()).mapEmpty();
    return stopped;
  }

  @Override
  public void closeNow(Termination why) {
    new ArrayList<>(connections).forEach(ClientConnection::closeNow);
    if (acceptor != null && stopped == null) acceptor.close();
  }

  @Override
  public SharedSocket.Stopped stoppedSocket() {
    return stoppedSocket;
  }

  /** Requests pick among enabled targets only; a request in flight to a draining target finishes. */
  @Override
  public void drainTargets(Map<String, Pool> pools) {}
}
