package io.archway.proxy;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.GatewayConfig;
import io.archway.core.config.ListenerConfig;
import io.archway.core.config.ListenerProtocol;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.PoolProtocol;
import io.archway.core.node.ConfigApplier;
import io.archway.core.node.NodeContext;
import io.archway.proxy.accesslog.AccessLog;
import io.archway.proxy.connect.Connector;
import io.archway.proxy.http.PlainHttpListener;
import io.archway.proxy.http.HttpFront;
import io.archway.proxy.http.HttpListener;
import io.archway.proxy.http.PoolClients;
import io.archway.proxy.listener.Listener;
import io.archway.proxy.listener.ListenerServices;
import io.archway.proxy.listener.RunningListener;
import io.archway.proxy.pool.ActiveConnections;
import io.archway.proxy.pool.DnsTargets;
import io.archway.proxy.pool.Pool;
import io.archway.proxy.relay.Termination;
import io.archway.proxy.tls.BackendTls;
import io.archway.proxy.tls.HandshakeLog;
import io.archway.proxy.tls.PassthroughRoutes;
import io.archway.proxy.tls.ServerTls;
import io.archway.proxy.tls.TlsSetup;
import io.micrometer.core.instrument.FunctionCounter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The TCP proxy of a node. The launcher deploys one instance per event loop and applies every config
 * to each; instances that bind the same address share one server socket, which Vert.x spreads over
 * their event loops. All state is confined to the instance's context.
 */
public final class ProxyVerticle extends VerticleBase implements ConfigApplier {

  public static final String ACCESS_LOG_DROPPED = "archway.accesslog.dropped";
  /** How often the certificate files in use are compared with what was loaded (rotation). */
  public static final long ROTATION_CHECK_MS = Long.getLong("archway.tls.rotationCheckMs", 2_000);

  private static final Logger LOG = Logger.getLogger(ProxyVerticle.class.getName());

  private final NodeContext node;
  private final AccessLog accessLog;
  private final Map<String, Pool> pools = new HashMap<>();
  /** By bind address, not by name: a renamed or retuned listener keeps its socket and connections. */
  private final Map<String, RunningListener> listeners = new HashMap<>();
  /** Listeners still draining, by bind address. */
  private final Map<String, RunningListener> stopping = new HashMap<>();
  /** The last listener stopped at each address: a new listener there waits until its socket is gone. */
  private final Map<String, RunningListener> stopped = new HashMap<>();
  private PoolClients httpPools;
  private final TlsSetup tls = new TlsSetup();
  private GatewayConfig lastApplied;
  private boolean checkingFiles;
  private ListenerServices services;
  private ActiveConnections active;
  private DnsTargets dns;
  private Future<Void> applying = Future.succeededFuture();
  private boolean shutDown;

  /** A proxy writing its access log to stdout. */
  public ProxyVerticle(NodeContext node) {
    this(node, AccessLog.stdout());
  }

  /** A proxy writing its access log to {@code accessLog} (tests, or one log shared by a node's verticles). */
  public ProxyVerticle(NodeContext node, AccessLog accessLog) {
    this.node = node;
    this.accessLog = accessLog;
  }

  @Override
  public Future<?> start() {
    var registry = node.metrics().registry();
    services = new ListenerServices(vertx, node.nodeName(), registry, new Connector((ContextInternal) context), accessLog);
    active = ActiveConnections.of(vertx);
    // A DNS name's addresses changed: rebuild the pools that use it, as a config change would.
    dns = new DnsTargets(vertx, context, () -> {
      if (!shutDown && lastApplied != null) apply(lastApplied).onFailure(e -> LOG.warning("DNS change: " + e.getMessage()));
    });
    httpPools = new PoolClients(vertx, node.health());
    // Every instance of a node shares one log and one registry: the first registers the meter.
    synchronized (registry) {
      if (registry.find(ACCESS_LOG_DROPPED).functionCounter() == null) {
        FunctionCounter.builder(ACCESS_LOG_DROPPED, accessLog, AccessLog::dropped)
            .description("Access log lines dropped because the writer fell behind")
            .register(registry);
      }
    }
    vertx.setPeriodic(ROTATION_CHECK_MS, id -> checkCertificateFiles());
    return Future.succeededFuture();
  }

  /** On undeploy: closes every connection at once (termination {@code shutdown}). */
  @Override
  public Future<?> stop() {
    shutDown = true;
    tls.close();
    dns.close();
    for (RunningListener draining : new ArrayList<>(stopping.values())) draining.closeNow(Termination.SHUTDOWN);
    return stopListeners(Duration.ZERO).onComplete(done -> httpPools.close());
  }

  /**
   * Runs {@code config} on this instance, changing only what differs from the last one applied: new
   * addresses are bound, addresses no longer listed stop accepting and drain (termination
   * {@code drain_timeout}), a listener whose address is unchanged takes its new settings for new
   * connections, and a changed pool serves new connections only. Safe to call from any thread; applies
   * run one after another. Completes once every listener is bound; fails naming each listener that
   * could not be bound (the others stay bound).
   */
  @Override
  public Future<Void> apply(GatewayConfig config) {
    return onContext(() -> {
      applying = applying.transform(previous -> onContext(() -> applyNow(config)));
      return applying;
    });
  }

  /**
   * Stops accepting on every listener, lets open connections run up to their pool's drain timeout, then
   * closes the rest (termination {@code shutdown}). Completes when no connection is left. Later applies
   * fail.
   */
  public Future<Void> shutdown() {
    return shutdown(null);
  }

  /** As {@link #shutdown()}, but every connection gets {@code drain} (when not null) instead. */
  public Future<Void> shutdown(Duration drain) {
    return onContext(() -> {
      // After any apply in progress, so that no listener binds once the drain has begun.
      applying = applying.transform(previous -> onContext(() -> {
        shutDown = true;
        return stopListeners(drain);
      }));
      return applying;
    });
  }

  private Future<Void> applyNow(GatewayConfig config) {
    if (shutDown) return Future.failedFuture("the proxy is shut down");
    lastApplied = config;
    dns.follow(config.pools());
    boolean logEnabled = config.accessLog().enabled();
    List<String> problems = new ArrayList<>();
    Map<String, CertificateConfig> certificates = new HashMap<>();
    config.certificates().forEach(c -> certificates.put(c.name(), c));
    Map<String, Pool> nextPools = new HashMap<>();
    for (PoolConfig pc : config.pools()) {
      Pool current = pools.get(pc.name());
      BackendTls backendTls = null;
      // https pools too: the Netty-level HTTP path (PlainHttpListener) starts its TLS with it.
      if (pc.protocol() == PoolProtocol.TLS || pc.protocol() == PoolProtocol.HTTPS && pc.http().version() == 1) {
        try {
          backendTls = tls.pool(pc, certificates);
        } catch (Exception e) {
          // The pool keeps its last good contexts, if it had any.
          problems.add("pool '" + pc.name() + "': " + HandshakeLog.reason(e));
          if (current != null) nextPools.put(pc.name(), current);
          continue;
        }
      }
      Map<String, List<String>> resolved = dns.addresses(pc);
      boolean same = current != null && current.config().equals(pc) && current.tls() == backendTls
          && current.resolved().equals(resolved);
      nextPools.put(pc.name(),
          same ? current : new Pool(pc, backendTls, node.health(), services.registry(), active, resolved));
    }
    pools.clear();
    pools.putAll(nextPools);
    httpPools.update(pools, certificates);
    listeners.values().forEach(l -> l.drainTargets(pools));

    stopped.values().removeIf(RunningListener::stoppedLongAgo);
    Map<String, Wanted> wanted = new LinkedHashMap<>();
    for (ListenerConfig listed : config.listeners()) {
      // --bind-host: several nodes on one machine each bind their own loopback address.
      ListenerConfig lc = config.node().bindHost().map(listed::withHost).orElse(listed);
      Wanted w = wanted(lc, certificates, problems);
      if (w != null) wanted.put(key(lc), w);
    }
    tls.retain(wanted.keySet(), pools.keySet());
    for (Iterator<Map.Entry<String, RunningListener>> it = listeners.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, RunningListener> entry = it.next();
      Wanted w = wanted.get(entry.getKey());
      // Same address, another kind of server (TCP and HTTP, or another HTTP shape): drain it, bind anew.
      if (w == null || !w.keep() && !fits(entry.getValue(), w)) {
        stop(entry.getKey(), entry.getValue(), Termination.DRAIN_TIMEOUT, null);
        it.remove();
      }
    }
    Map<String, Future<Void>> binds = new LinkedHashMap<>();
    wanted.forEach((key, w) -> {
      RunningListener existing = listeners.get(key);
      Pool pool = pools.get(w.config().pool());
      try {
        if (w.keep()) return;
        if (existing instanceof HttpFront http) {
          http.update(w.config(), logEnabled, w.ssl(), w.tls());
        } else if (existing instanceof Listener tcp) {
          tcp.update(w.config(), pool, logEnabled, w.tls(), w.routes());
        } else {
          RunningListener created = w.http() ? http(w, logEnabled)
              : new Listener(services, w.config(), pool, logEnabled, w.tls(), w.routes());
          listeners.put(key, created);
          binds.put(key, created.bind(stopped.remove(key)));
        }
      } catch (java.io.IOException e) {
        problems.add("listener '" + w.config().name() + "': " + e.getMessage());
      }
    });
    listeners.values().forEach(l -> l.logEvery(config.accessLog().interval()));
    return Future.join(new ArrayList<>(binds.values())).transform(done -> onContext(() -> {
      binds.forEach((key, bind) -> {
        if (bind.failed()) {
          listeners.remove(key);
          problems.add(bind.cause().getMessage());
        }
      });
      return problems.isEmpty() ? Future.succeededFuture() : Future.failedFuture(String.join("; ", problems));
    }));
  }

  /**
   * A listener to run, with its TLS; {@code keep}: leave the one running at its address as it is.
   * {@code http}: an http or https listener, with {@code ssl} for https ({@code tls} then only marks
   * a certificate rotation).
   */
  private record Wanted(ListenerConfig config, ServerTls tls, PassthroughRoutes routes, boolean keep, boolean http,
      ServerSSLOptions ssl) {
    Wanted(ListenerConfig config, ServerTls tls, PassthroughRoutes routes, boolean keep) {
      this(config, tls, routes, keep, false, null);
    }
  }

  /** Whether the listener running at an address can take {@code w} by an update. */
  private boolean fits(RunningListener running, Wanted w) {
    if (running instanceof HttpFront http) return w.http() && http.shape().equals(HttpListener.shapeOf(w.config(), pools));
    return !w.http();
  }

  /** An http or https listener: forwarding at the Netty level when its shape allows, else Vert.x's server. */
  private HttpFront http(Wanted w, boolean logEnabled) throws java.io.IOException {
    HttpListener.Shape shape = HttpListener.shapeOf(w.config(), pools);
    return shape.nettyLevel()
        ? new PlainHttpListener(vertx, node.nodeName(), services.registry(), accessLog, httpPools, w.config(), logEnabled,
            shape)
        : new HttpListener(vertx, node.nodeName(), services.registry(), accessLog, httpPools, w.config(), logEnabled,
            w.ssl(), w.tls(), shape);
  }

  /** What to run for {@code lc}, or null (with a problem) when it cannot run. */
  private Wanted wanted(ListenerConfig lc, Map<String, CertificateConfig> certificates, List<String> problems) {
    if (lc.protocol() == ListenerProtocol.HTTP) return new Wanted(lc, null, null, false, true, null);
    if (lc.protocol() == ListenerProtocol.HTTPS) {
      try {
        // Built for its checks and its watch of the files (rotation); Vert.x's server reads the same files.
        ServerTls files = tls.listener(key(lc), lc.tls().orElseThrow(), certificates);
        return new Wanted(lc, files, null, false, true, HttpListener.ssl(lc, certificates));
      } catch (Exception e) {
        problems.add("listener '" + lc.name() + "': " + HandshakeLog.reason(e));
        return listeners.containsKey(key(lc)) ? new Wanted(lc, null, null, true) : null;
      }
    }
    Pool pool = pools.get(lc.pool());
    if (pool == null) {
      problems.add("listener '" + lc.name() + "': no pool named '" + lc.pool() + "'");
      return null;
    }
    if (lc.protocol() == ListenerProtocol.TLS_PASSTHROUGH) {
      return new Wanted(lc, null, PassthroughRoutes.of(lc.sni(), pool, pools), false);
    }
    if (lc.protocol() != ListenerProtocol.TLS) return new Wanted(lc, null, null, false);
    try {
      return new Wanted(lc, tls.listener(key(lc), lc.tls().orElseThrow(), certificates), null, false);
    } catch (Exception e) {
      problems.add("listener '" + lc.name() + "': " + HandshakeLog.reason(e));
      // A listener already running keeps its last good certificates rather than going away.
      return listeners.containsKey(key(lc)) ? new Wanted(lc, null, null, true) : null;
    }
  }

  /** Re-applies the last config when a certificate file in use changed on disk, reading files off the loop. */
  private void checkCertificateFiles() {
    if (checkingFiles || shutDown || lastApplied == null) return;
    List<TlsSetup.Watched> watched = tls.watched();
    if (watched.isEmpty()) return;
    checkingFiles = true;
    vertx.executeBlocking(() -> TlsSetup.changed(watched), false).onComplete(ar -> {
      checkingFiles = false;
      if (ar.succeeded() && ar.result() && !shutDown) {
        LOG.info("certificate files changed on disk: reloading them for new handshakes");
        apply(lastApplied).onFailure(e -> LOG.warning("certificate reload: " + e.getMessage()));
      }
    });
  }

  /** {@code drain} null: each listener's pool drain timeout. */
  private Future<Void> stopListeners(Duration drain) {
    List<Future<Void>> stops = new ArrayList<>();
    listeners.forEach((key, listener) -> stops.add(stop(key, listener, Termination.SHUTDOWN, drain)));
    listeners.clear();
    for (RunningListener draining : new ArrayList<>(stopping.values())) stops.add(draining.stop(Termination.SHUTDOWN));
    return Future.join(stops).mapEmpty();
  }

  private Future<Void> stop(String key, RunningListener listener, Termination why, Duration drain) {
    stopping.put(key, listener);
    stopped.put(key, listener);
    Future<Void> done = drain == null ? listener.stop(why) : listener.stop(why, drain);
    return done.onComplete(ar -> stopping.remove(key, listener));
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Context ctx = context;
    if (ctx == null) return Future.failedFuture("the proxy verticle is not deployed");
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  private static String key(ListenerConfig config) {
    return config.host() + "|" + config.port();
  }
}
