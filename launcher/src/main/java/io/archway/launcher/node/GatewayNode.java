package io.archway.launcher.node;

import io.archway.admin.AdminVerticle;
import io.archway.admin.auth.ExposureRule;
import io.archway.core.bus.EventBusAddresses;
import io.archway.core.cluster.NodeInfo;
import io.archway.core.cluster.NodeRegistry;
import io.archway.core.config.ConfigDocument;
import io.archway.core.config.ConfigParser;
import io.archway.core.config.GatewayConfig;
import io.archway.core.config.HostPort;
import io.archway.core.config.InvalidConfigException;
import io.archway.core.config.NodeSections;
import io.archway.core.health.HealthBoard;
import io.archway.core.metrics.MetricNames;
import io.archway.core.node.ConfigApplier;
import io.archway.core.node.NodeContext;
import io.archway.core.store.ConfigStore;
import io.archway.core.store.ConfigWriter;
import io.archway.core.store.VersionedConfig;
import io.archway.health.HealthVerticle;
import io.archway.proxy.ProxyVerticle;
import io.archway.proxy.accesslog.AccessLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One gateway node: joins the cluster, adopts the cluster's config (or publishes its file's when it
 * is the first), runs the proxy, health and admin verticles, and follows every later config version.
 */
public final class GatewayNode {

  private static final Logger LOG = Logger.getLogger(GatewayNode.class.getName());
  /** How often a node looks at the store even without a change notice (a missed publish, a late join). */
  private static final long RECONCILE_MS = 5_000;

  private final Vertx vertx;
  private final NodeContext node;
  private final JsonObject localDocument;
  private final Path baseDir;
  private final ConfigStore store;
  private final NodeRegistry registry;
  private final HealthBoard board;
  private final StateDir stateDir;
  private final Optional<FileTime> fileModified;
  private final List<ProxyVerticle> proxies = new CopyOnWriteArrayList<>();
  private AccessLog accessLog;
  private HealthVerticle health;
  private GatewayConfig fileConfig;
  private String adminAddress;
  private Future<Void> applying = Future.succeededFuture();
  private long heartbeatTimer;
  private Counter applied;
  private Counter applyFailures;
  private long reconcileTimer;

  private GatewayNode(Vertx vertx, NodeContext node, JsonObject localDocument, Path baseDir,
      Optional<FileTime> fileModified, ConfigStore store, NodeRegistry registry, HealthBoard board,
      GatewayConfig fileConfig) {
    this.fileModified = fileModified;
    this.vertx = vertx;
    this.node = node;
    this.localDocument = localDocument;
    this.baseDir = baseDir;
    this.store = store;
    this.registry = registry;
    this.board = board;
    this.fileConfig = fileConfig;
    this.stateDir = new StateDir(Path.of(fileConfig.node().stateDir()));
    this.adminAddress = advertisedAdmin(fileConfig);
  }

  /**
   * Starts a node from the document read from {@code configFile} (options already merged in). Fails
   * with {@link InvalidConfigException} for a bad document, or with the cause (such as a port in use).
   */
  public static Future<GatewayNode> start(JsonObject document, Path configFile) {
    Path file = configFile.toAbsolutePath().normalize();
    Path baseDir = file.getParent();
    Optional<FileTime> fileModified;
    try {
      fileModified = Files.isRegularFile(file) ? Optional.of(Files.getLastModifiedTime(file)) : Optional.empty();
    } catch (IOException e) {
      fileModified = Optional.empty();
    }
    Optional<FileTime> modified = fileModified;
    GatewayConfig fileConfig;
    try {
      fileConfig = ConfigParser.parse(document, baseDir);
      new StateDir(Path.of(fileConfig.node().stateDir())).checkWritable();
    } catch (InvalidConfigException | IllegalStateException e) {
      return Future.failedFuture(e);
    }
    NodeContext node = NodeContext.create(fileConfig.node().name().orElseGet(GatewayNode::hostName));
    return ClusterFactory.start(fileConfig.node(), node.metrics()).compose(vertx -> {
      Future<ConfigStore> store = ConfigStore.open(vertx);
      Future<NodeRegistry> registry = NodeRegistry.open(vertx);
      Future<HealthBoard> board = HealthBoard.open(vertx);
      return Future.all(store, registry, board)
          .map(x -> new GatewayNode(vertx, node, document, baseDir, modified, store.result(), registry.result(),
              board.result(), fileConfig))
          .compose(GatewayNode::boot)
          .recover(e -> vertx.close().transform(x -> Future.failedFuture(e)));
    });
  }

  public String name() {
    return node.nodeName();
  }

  public NodeContext context() {
    return node;
  }

  public Vertx vertx() {
    return vertx;
  }

  private Future<GatewayNode> boot() {
    Gauge.builder(MetricNames.CONFIG_VERSION, node.status(), s -> s.appliedVersion())
        .description("The config version this node applied")
        .register(node.metrics().registry());
    applied = applies("ok");
    applyFailures = applies("failed");
    int instances = Runtime.getRuntime().availableProcessors();
    ConfigWriter writer = new ConfigWriter(vertx, store, baseDir, new NodeSections(localDocument, baseDir, System.getenv()));
    // One writer for the node's verticles: stdout, or the file of this node's config (opened now, so a
    // file that cannot be opened fails the start rather than losing lines).
    try {
      accessLog = AccessLog.open(fileConfig.accessLog());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    AdminVerticle admin = new AdminVerticle(node, fileConfig.admin(), store, writer, registry, board);
    adminAlsoOn().ifPresent(admin::alsoListenOn);
    return vertx.deployVerticle(admin)
        .compose(id -> {
          health = new HealthVerticle(node, board);
          return vertx.deployVerticle(health);
        })
        .compose(id -> vertx.deployVerticle(() -> {
          ProxyVerticle proxy = new ProxyVerticle(node, accessLog);
          proxies.add(proxy);
          return proxy;
        }, new DeploymentOptions().setInstances(instances)))
        .compose(id -> initialConfig())
        .compose(this::apply)
        .map(x -> {
          vertx.eventBus().consumer(EventBusAddresses.CONFIG_CHANGED, msg -> reconcile());
          heartbeatTimer = vertx.setPeriodic(NodeRegistry.TTL_MS / 3, t -> heartbeat());
          reconcileTimer = vertx.setPeriodic(RECONCILE_MS, t -> reconcile());
          LOG.info(() -> "node " + name() + " ready with config version " + node.status().appliedVersion()
              + "; admin on http://" + adminAddress);
          return this;
        });
  }

  /**
   * The config this node starts with. A cluster that has one wins: it is the live truth, changes made
   * through the API included. A node that finds none (the first, or a whole cluster restarted) restores
   * the config it last applied from its state dir, unless the config file was edited since then: an
   * edited file is newer intent, and is published with the next version number.
   */
  private Future<VersionedConfig> initialConfig() {
    return store.current().compose(current -> current != null
        ? Future.succeededFuture(current)
        : vertx.executeBlocking(() -> stateDir.restoreOr(ConfigDocument.shared(localDocument, baseDir), fileModified))
            .compose(store::publishIfAbsent));
  }

  /** Applies the cluster's newest config if this node has not yet; one apply runs at a time. */
  public Future<Void> reconcile() {
    applying = applying.transform(x -> store.current().compose(current ->
        current == null || current.version() <= node.status().appliedVersion()
            ? Future.succeededFuture() : apply(current)));
    return applying;
  }

  private Future<Void> apply(VersionedConfig versioned) {
    GatewayConfig config;
    try {
      config = ConfigParser.parse(ConfigDocument.merge(localDocument, versioned.config()), baseDir);
    } catch (InvalidConfigException e) {
      return failed(versioned.version(), e);
    }
    List<Future<Void>> applies = new ArrayList<>();
    applies.add(health.apply(config));
    proxies.forEach(p -> applies.add(p.apply(config)));
    return Future.all(applies).<Void>mapEmpty()
        .compose(x -> {
          node.status().applied(versioned.version());
          applied.increment();
          writeState(versioned);
          LOG.info(() -> "node " + name() + " applied config version " + versioned.version());
          // Tell the registry, but do not hold the apply (or the node's start) on the cluster's answer.
          heartbeat();
          return Future.<Void>succeededFuture();
        })
        .recover(e -> failed(versioned.version(), e));
  }

  private Counter applies(String result) {
    return Counter.builder(MetricNames.CONFIG_APPLIES)
        .description("Config versions this node applied, or failed to apply")
        .tag(MetricNames.TAG_RESULT, result)
        .register(node.metrics().registry());
  }

  private Future<Void> failed(long version, Throwable e) {
    applyFailures.increment();
    String before = node.status().lastError();
    node.status().applyFailed(version, e.getMessage());
    // The reconcile timer retries every few seconds (a port may free up): log each new reason once.
    if (!node.status().lastError().equals(before)) {
      LOG.warning(() -> "node " + name() + " cannot apply config version " + version + ": " + e.getMessage()
          + "; it keeps serving version " + node.status().appliedVersion());
    }
    heartbeat();
    return Future.failedFuture(e);
  }

  private void writeState(VersionedConfig versioned) {
    vertx.executeBlocking(() -> {
      stateDir.writeApplied(versioned);
      return null;
    }).onFailure(e -> LOG.log(Level.WARNING, "cannot write the state dir " + fileConfig.node().stateDir(), e));
  }

  private Future<Void> heartbeat() {
    NodeInfo info = new NodeInfo(name(), adminAddress, node.status().appliedVersion(),
        node.status().phase().name().toLowerCase(), node.status().lastError());
    return registry.put(info).recover(e -> {
      LOG.fine(() -> "cannot refresh the node registry: " + e.getMessage());
      return Future.succeededFuture();
    });
  }

  /**
   * Drains and stops: readiness turns 503, listeners stop accepting, open connections get up to their
   * pool's drain time, then the node leaves the cluster. Blocks until Vert.x is closed, so it must be
   * called from a thread of its own (the shutdown hook, a test), never from an event loop.
   */
  public void stop() {
    drain().await();
    // Closing Vert.x ends its event loops, so nothing may be chained after it on a Vert.x context:
    // wait for it from this thread instead.
    vertx.close().await();
    // After the proxies: the lines of the last connections are written before the file closes.
    if (accessLog != null) accessLog.close();
    LOG.info(() -> "node " + name() + " stopped");
  }

  private Future<Void> drain() {
    node.status().draining();
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(reconcileTimer);
    LOG.info(() -> "node " + name() + " draining");
    List<Future<Void>> drains = new ArrayList<>();
    Duration drain = fileConfig.node().shutdownTimeout().orElse(null);
    proxies.forEach(p -> drains.add(p.shutdown(drain)));
    return heartbeat()
        .compose(x -> Future.join(drains))
        .transform(x -> Future.join(registry.remove(name()), board.remove(name())))
        .mapEmpty();
  }

  /** For tests: every proxy verticle instance of this node. */
  List<ConfigApplier> proxies() {
    return List.copyOf(proxies);
  }

  /** Where peers and operators reach this node's admin API: a wildcard bind says nothing, so name a host. */
  /**
   * The bind host, when {@code admin.host} is left to its default and the bind host is another loopback
   * address: a node run with {@code --bind-host 127.0.0.2} answers its admin API there too.
   */
  private Optional<String> adminAlsoOn() {
    boolean hostSet = localDocument.getValue("admin") instanceof JsonObject a && a.containsKey("host");
    return fileConfig.node().bindHost()
        .filter(h -> !hostSet && !h.equals(fileConfig.admin().host()) && ExposureRule.isLoopback(h));
  }

  private static String advertisedAdmin(GatewayConfig config) {
    String host = config.admin().host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = config.node().clusterHost().or(() -> config.node().bindHost()).orElse(hostName());
    }
    return new HostPort(host, config.admin().port()).toString();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "archway";
    }
  }
}
