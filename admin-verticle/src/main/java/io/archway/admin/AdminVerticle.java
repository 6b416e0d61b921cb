package io.archway.admin;

import io.archway.admin.api.ApplyConsumer;
import io.archway.admin.api.ClusterResource;
import io.archway.admin.api.ConfigResource;
import io.archway.admin.api.ConfigWrites;
import io.archway.admin.api.HealthEvents;
import io.archway.admin.api.HealthResource;
import io.archway.admin.auth.BearerTokenAuth;
import io.archway.admin.auth.ExposureRule;
import io.archway.admin.dashboard.DashboardPage;
import io.archway.admin.http.FailureHandler;
import io.archway.admin.http.Rejections;
import io.archway.admin.metrics.MetricsHandler;
import io.archway.admin.status.LivenessHandler;
import io.archway.admin.status.ReadinessHandler;
import io.archway.core.cluster.NodeRegistry;
import io.archway.core.config.AdminConfig;
import io.archway.core.config.HostPort;
import io.archway.core.health.HealthBoard;
import io.archway.core.node.NodeContext;
import io.archway.core.store.ConfigStore;
import io.archway.core.store.ConfigWriter;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The node's admin HTTP API: {@code /healthz}, {@code /readyz} and {@code /metrics} for probes and
 * scrapers, {@code /api/*} for operators (behind the bearer token when one is set), and the page at
 * {@code /}, plus the {@code archway.config.apply} event bus consumer. Deploy one instance per node.
 *
 * <p>{@code /healthz}, {@code /readyz}, {@code /metrics} and {@code /} stay open even with a token:
 * orchestrators and Prometheus probe them without credentials, and they reveal no config and no secret.
 */
public final class AdminVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(AdminVerticle.class.getName());
  private static final List<String> SECTIONS = List.of("listeners", "pools", "certificates");
  private static final int IDLE_TIMEOUT_SECONDS = 60;
  private static final long MAX_BODY_BYTES = 4L * 1024 * 1024;
  /**
   * A write's body is config text, JSON or YAML, whatever its {@code Content-Type} says. {@code curl
   * --data-binary @file} labels it {@code application/x-www-form-urlencoded}, which the body handler
   * would decode as a form (and refuse past 1 KiB), so that label and {@code multipart/form-data} are
   * replaced before it reads the body.
   */
  private static final PlatformHandler CONFIG_TEXT = AdminVerticle::configText;

  private final NodeContext node;
  private final AdminConfig admin;
  private final ConfigStore store;
  private final NodeRegistry registry;
  private final HealthBoard board;
  private final ConfigWriter writer;
  private volatile HttpServer server;
  /** A second loopback address the API also answers on (the node's bind host), if any. */
  private String alsoOn;
  private volatile HttpServer alsoServer;
  private MessageConsumer<Object> applyConsumer;
  private final HealthEvents events = new HealthEvents();

  public AdminVerticle(NodeContext node, AdminConfig admin, ConfigStore store, ConfigWriter writer,
      NodeRegistry registry, HealthBoard board) {
    this.node = node;
    this.admin = admin;
    this.store = store;
    this.writer = writer;
    this.registry = registry;
    this.board = board;
  }

  /**
   * Also answers on {@code host}, a loopback address, at the same port: a node given {@code --bind-host
   * 127.0.0.2} and no {@code admin.host} is reached at 127.0.0.2 as well as at 127.0.0.1.
   */
  public AdminVerticle alsoListenOn(String host) {
    this.alsoOn = host;
    return this;
  }

  /** The port the API listens on (the one chosen by the system when configured as 0); 0 until started. */
  public int port() {
    HttpServer s = server;
    return s == null ? 0 : s.actualPort();
  }

  /**
   * Completes once the API listens; fails without listening when the host is not loopback and no token
   * is set, or with a message naming the address when it cannot bind (such as a port in use).
   */
  @Override
  public Future<?> start() {
    try {
      ExposureRule.check(admin);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    applyConsumer = ApplyConsumer.register(vertx, writer);
    events.listen(vertx);
    return DashboardPage.load(vertx, node.nodeName()).compose(page -> {
      Router router = router(page);
      return listen(router, admin.host(), admin.port())
          .onSuccess(s -> server = s)
          .compose(s -> alsoOn == null ? Future.succeededFuture(s)
              : listen(router, alsoOn, s.actualPort()).onSuccess(also -> alsoServer = also).map(s))
          .onSuccess(s -> LOG.log(Level.INFO, "admin API of node " + node.nodeName() + " on http://"
              + new HostPort(admin.host(), s.actualPort())
              + (alsoOn == null ? "" : " and http://" + new HostPort(alsoOn, s.actualPort()))
              + (admin.token().isPresent() ? " (/api needs the admin token)" : "")));
    });
  }

  private Future<HttpServer> listen(Router router, String host, int port) {
    String address = new HostPort(host, port).toString();
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(IDLE_TIMEOUT_SECONDS))
        .requestHandler(router).listen()
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "admin API cannot listen on " + address + ": " + e.getMessage()
                + " (another process on port " + port + "? set admin.port or --admin-port)", e)));
  }

  @Override
  public Future<?> stop() {
    HttpServer s = server;
    HttpServer also = alsoServer;
    Future<Void> consumers = Future.join(
        applyConsumer == null ? Future.succeededFuture() : applyConsumer.unregister(), events.close()).mapEmpty();
    return Future.join(consumers, s == null ? Future.succeededFuture() : s.close(),
        also == null ? Future.succeededFuture() : also.close());
  }

  private Router router(DashboardPage page) {
    Router router = Router.router(vertx);
    // HEAD as well as GET: load balancers and uptime checkers probe with either.
    LivenessHandler liveness = new LivenessHandler();
    ReadinessHandler readiness = new ReadinessHandler(node.status());
    router.get("/healthz").handler(liveness);
    router.head("/healthz").handler(liveness);
    router.get("/readyz").handler(readiness);
    router.head("/readyz").handler(readiness);
    router.get("/metrics").handler(new MetricsHandler(node.metrics()));
    router.get("/").handler(page);
    router.get("/dashboard/dashboard.js").handler(page::script);
    router.get("/dashboard/dashboard.css").handler(page::style);

    admin.token().ifPresent(token -> router.route("/api/*").handler(new BearerTokenAuth(token)));
    ConfigResource config = new ConfigResource(store);
    router.get("/api/config").handler(config::document);
    for (String section : SECTIONS) {
      router.get("/api/" + section + "/:name").handler(ctx -> config.entry(ctx, section));
    }
    HealthResource health = new HealthResource(board, store);
    router.get("/api/health").handler(health::handle);
    router.get("/api/events").handler(events::handle);
    ClusterResource cluster = new ClusterResource(registry, store);
    router.get("/api/cluster").handler(cluster::handle);
    Rejections rejections = new Rejections(node.metrics().registry());
    ConfigWrites writes = new ConfigWrites(writer, rejections);
    // On the write routes only: a catch-all body route would turn a GET of an unknown path into a 405.
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.put("/api/config").handler(CONFIG_TEXT).handler(body).handler(writes::replaceAll);
    for (String section : SECTIONS) {
      router.put("/api/" + section + "/:name").handler(CONFIG_TEXT).handler(body)
          .handler(ctx -> writes.putEntry(ctx, section));
      router.delete("/api/" + section + "/:name").handler(ctx -> writes.deleteEntry(ctx, section));
    }
    router.post("/api/pools/:pool/targets/:address/drain").handler(writes::drainTarget);

    FailureHandler failure = new FailureHandler(rejections);
    router.route().failureHandler(failure);
    for (int status : new int[] {400, 404, 405, 413, 500}) router.errorHandler(status, failure);
    return router;
  }

  /** See {@link #CONFIG_TEXT}. */
  private static void configText(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && (type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
        || type.regionMatches(true, 0, "multipart/", 0, 10))) {
      ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "text/plain");
    }
    ctx.next();
  }
}
