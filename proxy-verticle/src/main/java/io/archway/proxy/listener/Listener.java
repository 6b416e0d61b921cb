package io.archway.proxy.listener;

import io.archway.core.config.ListenerConfig;
import io.archway.proxy.accesslog.AccessLogEntry;
import io.archway.proxy.accesslog.OpenConnectionLine;
import io.archway.proxy.accesslog.OpenLines;
import io.archway.proxy.admission.Doorway;
import io.archway.proxy.admission.Gate;
import io.archway.proxy.connect.ConnectFailure;
import io.archway.proxy.pool.Pool;
import io.archway.proxy.relay.Relay;
import io.archway.proxy.relay.RelayPolicy;
import io.archway.proxy.relay.Termination;
import io.archway.proxy.tls.ClientHelloRouter;
import io.archway.proxy.tls.HandshakeLog;
import io.archway.proxy.tls.PassthroughRoutes;
import io.archway.proxy.tls.ServerTls;
import io.archway.proxy.tls.TlsSession;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One listener address on one proxy verticle: its {@link Acceptor}, the relays it started, and how it
 * stops. Confined to the verticle's context.
 */
public final class Listener implements RunningListener {

  private static final long CLOSE_WINDOW_MS = 1_000;
  private static final int CLOSE_BATCHES = 10;
  /** Vert.x's server closes what is left this long after our own drain deadline, which always comes first. */
  private static final long VERTX_GRACE_MS = 5_000;
  /** How long a passthrough client has to send its ClientHello (or its idle timeout, if shorter). */
  static final long CLIENT_HELLO_TIMEOUT_MS = 10_000;

  private final ListenerServices services;
  /** This verticle's context: the Connector runs on it, so backend connections share the client's event loop. */
  private final ContextInternal context;
  private final Drains drains;
  private OpenLines openLines;
  /** Open relays, each with what its access log line needs beyond the relay's own counts. */
  private final Map<Relay, Opened> relays = new HashMap<>();
  private Acceptor acceptor;
  private ListenerConfig config;
  private Pool pool;
  private ServerTls tls;
  private PassthroughRoutes routes;
  private ListenerMeters meters;
  /** Limits and access lists; null when the listener has none. */
  private Gate gate;
  private RelayPolicy policy;
  private boolean logEnabled;
  private Promise<Void> drained;
  private Future<Void> stopped;
  private SharedSocket.Stopped stoppedSocket;

  /**
   * {@code tls}: how a TLS listener terminates ({@code null} otherwise); {@code routes}: where a
   * passthrough listener sends each server name ({@code null} otherwise).
   */
  public Listener(ListenerServices services, ListenerConfig config, Pool pool, boolean logEnabled, ServerTls tls,
      PassthroughRoutes routes) {
    this.services = services;
    this.context = (ContextInternal) services.vertx().getOrCreateContext();
    this.drains = new Drains(services.registry());
    update(config, pool, logEnabled, tls, routes);
  }

  /**
   * Completes once the address is bound; fails naming the listener, the address and the cause.
   * {@code previous} is a listener that stopped at this address and may still hold its socket, or null.
   */
  @Override
  public Future<Void> bind(RunningListener previous) {
    return SharedSocket.bindAfter(previous, this::listen);
  }

  /** Until {@code deadline} (nanoTime; 0: no retry), retries while the address is still in use. */
  private Future<Void> listen(long deadline) {
    return SharedSocket.bind(services.vertx(), config, deadline,
        () -> Acceptor.listen(context, config, this::accept).onSuccess(a -> acceptor = a).mapEmpty());
  }

  /**
   * Takes a new config for the same address: new connections get its name, pool, timeouts and
   * certificates; open connections keep what they started with.
   */
  public void update(ListenerConfig config, Pool pool, boolean logEnabled, ServerTls tls, PassthroughRoutes routes) {
    this.tls = tls;
    this.routes = routes;
    if (meters == null || !meters.listener().equals(config.name())) {
      meters = new ListenerMeters(services.registry(), config.name());
    }
    this.config = config;
    this.pool = pool;
    this.logEnabled = logEnabled;
    this.gate = Gate.of(services.vertx(), config.name(), config.policy(), services.registry());
    ListenerMeters m = meters;
    String listenerName = config.name();
    long idle = Math.min(config.idleTimeout().toNanos(), pool.config().idleTimeout().toNanos());
    policy = new RelayPolicy(idle, config.halfCloseTimeout().toNanos(), m.bytesIn(), m.bytesOut(),
        relay -> finished(relay, m, listenerName));
  }

  /** Stops accepting and drains for the pool's drain timeout; see {@link #stop(Termination, Duration)}. */
  @Override
  public Future<Void> stop(Termination why) {
    return stop(why, pool.drainTimeout());
  }

  /**
   * Stops accepting at once; open connections may finish within {@code drain}, then the rest are closed
   * with {@code why}. Completes when none is left.
   */
  @Override
  public Future<Void> stop(Termination why, Duration drain) {
    if (stopped != null) return stopped;
    drained = Promise.promise();
    stoppedSocket = new SharedSocket.Stopped(services.vertx(), config.host(), config.port());
    drains.listenerStopping(config.name(), relays.keySet());
    Future<Void> unbound = acceptor == null
        ? Future.succeededFuture()
        : acceptor.stop(drain.toMillis() + VERTX_GRACE_MS);
    if (relays.isEmpty()) {
      drained.tryComplete();
    } else if (drain.isZero()) {
      closeNow(why);
    } else {
      long timer = services.vertx().setTimer(drain.toMillis(), id -> closeSpread(why));
      drained.future().onComplete(done -> services.vertx().cancelTimer(timer));
    }
    stopped = Future.join(unbound, drained.future()).mapEmpty();
    stopped.onComplete(done -> logEvery(Optional.empty()));
    return stopped;
  }

  /** Closes every connection of this listener now, also while it drains. */
  @Override
  public void closeNow(Termination why) {
    for (Relay relay : new ArrayList<>(relays.keySet())) relay.close(why);
  }

  /**
   * Closes what is left when a drain ends, spread over {@link #CLOSE_WINDOW_MS} in {@link #CLOSE_BATCHES}
   * batches rather than all at once, so that the clients do not all reconnect (to the other nodes) in
   * the same instant.
   */
  private void closeSpread(Termination why) {
    List<Relay> left = new ArrayList<>(relays.keySet());
    int batch = (left.size() + CLOSE_BATCHES - 1) / CLOSE_BATCHES;
    for (int b = 0; b * batch < left.size(); b++) {
      List<Relay> these = left.subList(b * batch, Math.min(left.size(), (b + 1) * batch));
      if (b == 0) {
        these.forEach(r -> r.close(why));
      } else {
        services.vertx().setTimer((long) b * CLOSE_WINDOW_MS / CLOSE_BATCHES, id -> these.forEach(r -> r.close(why)));
      }
    }
  }

  @Override
  public SharedSocket.Stopped stoppedSocket() {
    return stoppedSocket;
  }

  private void accept(Channel client) {
    meters.accepted();
    Relay relay = Relay.accept(client, policy);
    relays.put(relay, new Opened(pool.name()));
    if (drained != null) {
      relay.reject(Termination.REJECTED, null);
      return;
    }
    Pool to = pool;
    PassthroughRoutes by = routes;
    long headerTimeout = Math.min(CLIENT_HELLO_TIMEOUT_MS, config.idleTimeout().toMillis());
    Doorway.admit(relay, gate, config.policy().acceptProxyProtocol(), headerTimeout, config.name(),
        () -> startTls(relay), tlsSettled -> settle(relay, tlsSettled, to, by));
  }

  /** Puts TLS (or the ClientHello router) in front of the relay; null for a plain TCP listener. */
  private io.netty.util.concurrent.Future<TlsSession> startTls(Relay relay) {
    if (tls != null) return tls.install(relay.clientChannel());
    if (routes == null) return null;
    return ClientHelloRouter.install(relay.clientChannel(), Math.min(CLIENT_HELLO_TIMEOUT_MS, config.idleTimeout().toMillis()));
  }

  /** Connects to {@code to} (or where {@code by} routes the SNI) once the client's TLS, if any, is settled. */
  private void settle(Relay relay, io.netty.util.concurrent.Future<TlsSession> tlsSettled, Pool to,
      PassthroughRoutes by) {
    if (tlsSettled == null) {
      connect(relay, to);
    } else {
      handshake(relay, tlsSettled, by == null ? to : null, by);
    }
  }

  /** Connects once the client's TLS is settled: to {@code target}, or to the pool its SNI routes to. */
  private void handshake(Relay relay, io.netty.util.concurrent.Future<TlsSession> settled, Pool target,
      PassthroughRoutes by) {
    String listenerName = config.name();
    ListenerMeters m = meters;
    settled.addListener(done -> {
      m.handshake(done.cause());
      if (!done.isSuccess()) {
        HandshakeLog.clientFailed(listenerName, relay.clientAddress(), done.cause());
        relay.handshakeFailed();
        return;
      }
      TlsSession session = settled.getNow();
      Pool to = by == null ? target : by.pool(session.sni());
      Opened opened = relays.get(relay);
      if (opened != null) {
        opened.tls = session;
        opened.pool = to.name();
      }
      connect(relay, to);
    });
  }

  private void connect(Relay relay, Pool to) {
    if (ContextInternal.current() != context) {
      // A TLS handshake, passthrough ClientHello or PROXY header completes in a Netty callback: on this
      // verticle's event loop, but outside any Vert.x context, where Vert.x would give the connection a
      // fresh context of its own instead of this verticle's (the Connector's contract).
      context.emit(null, v -> connect(relay, to));
      return;
    }
    services.connector().connect(to, relay.clientAddress(), relay.listenerAddress()).onComplete(ar -> {
      if (ar.succeeded()) {
        relay.connected(ar.result().channel(), ar.result().target().key());
      } else if (ar.cause() instanceof ConnectFailure failure) {
        relay.reject(failure.termination(), failure.lastTarget());
      } else {
        relay.reject(Termination.CONNECT_FAILED, null);
      }
    });
  }

  /**
   * Connections to a target that its pool now marks {@code draining}, or no longer lists, may finish
   * within the pool's drain timeout and are then closed ({@code drain_timeout}); a connection whose target
   * is enabled again before that keeps going. Call after every apply, with the pools by name.
   */
  @Override
  public void drainTargets(Map<String, Pool> pools) {
    relays.forEach((relay, opened) -> {
      String target = relay.target();
      if (target == null) return;
      Pool now = pools.get(opened.pool);
      boolean leaving = now == null || now.isLeaving(target);
      if (leaving && opened.drainTimer < 0) {
        long drainMillis = (now == null ? pool : now).drainTimeout().toMillis();
        drains.target(config.name(), relay, true);
        opened.drainTimer = services.vertx().setTimer(Math.max(1, drainMillis), id -> {
          opened.drainTimer = -1;
          relay.close(Termination.DRAIN_TIMEOUT);
        });
      } else if (!leaving && opened.drainTimer >= 0) {
        services.vertx().cancelTimer(opened.drainTimer);
        opened.drainTimer = -1;
        drains.target(config.name(), relay, false);
      }
    });
  }

  private void finished(Relay relay, ListenerMeters m, String listenerName) {
    Opened opened = relays.remove(relay);
    if (opened.drainTimer >= 0) services.vertx().cancelTimer(opened.drainTimer);
    drains.finished(relay);
    m.finished(relay.termination());
    if (logEnabled) services.accessLog().log(entry(relay, opened, listenerName, relay.durationNanos()));
    if (drained != null && relays.isEmpty()) drained.tryComplete();
  }

  /**
   * While the access log is on, every open connection gets an interim line each {@code interval}
   * (empty: none); see {@link OpenLines}.
   */
  @Override
  public void logEvery(Optional<Duration> interval) {
    Optional<Duration> wanted = interval.filter(i -> logEnabled && stopped == null);
    // Unchanged: keep the clock, so that an apply does not skip a line that falls due.
    if (openLines != null && wanted.equals(Optional.of(openLines.interval()))) return;
    if (openLines != null) openLines.cancel();
    openLines = wanted.map(i -> OpenLines.every(services.vertx(), i,
        due -> relays.forEach((relay, opened) -> {
          if (due.test(relay.acceptMillis())) {
            long sofar = (System.currentTimeMillis() - relay.acceptMillis()) * 1_000_000;
            services.accessLog().log(new OpenConnectionLine(entry(relay, opened, config.name(), sofar)));
          }
        }))).orElse(null);
  }

  private AccessLogEntry entry(Relay relay, Opened opened, String listenerName, long durationNanos) {
    Termination t = relay.termination();
    return new AccessLogEntry(relay.acceptMillis(), services.node(), listenerName, relay.clientAddress(),
        relay.target(), opened.pool, relay.bytesIn(), relay.bytesOut(), relay.connectNanos(), durationNanos,
        opened.tls, t == null ? null : t.keyword());
  }

  /** The pool a connection went to (a passthrough client's depends on its SNI) and its TLS, if any. */
  private static final class Opened {
    private String pool;
    private TlsSession tls;
    /** The timer that ends this connection because its target is draining; -1 when there is none. */
    private long drainTimer = -1;

    Opened(String pool) {
      this.pool = pool;
    }
  }
}
