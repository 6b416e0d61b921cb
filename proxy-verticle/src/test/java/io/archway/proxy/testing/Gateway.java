package io.archway.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.config.ConfigParser;
import io.archway.core.config.GatewayConfig;
import io.archway.core.health.TargetHealth;
import io.archway.core.node.NodeContext;
import io.archway.core.testing.ErrorLog;
import io.archway.proxy.ProxyVerticle;
import io.archway.proxy.accesslog.AccessLog;
import io.archway.proxy.transport.GatewayTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A gateway node's proxy for tests: its own Vert.x (NIO or native epoll, built with {@link GatewayTransport}
 * as the launcher builds it), proxy verticles deployed the way the launcher does (a supplier that keeps
 * each instance), and an access log captured in memory.
 */
public final class Gateway implements AutoCloseable {

  public static final String NODE = "test-node";

  /** Whether native epoll loads here: tests that ask for it by name skip without it. */
  public static final boolean NATIVE_AVAILABLE = io.vertx.core.transport.Transport.nativeTransport() != null
      && io.vertx.core.transport.Transport.nativeTransport().available();

  private final Vertx vertx;
  private final ErrorLog errors = ErrorLog.install();
  private final NodeContext node = NodeContext.create(NODE);
  private final List<ProxyVerticle> proxies = new CopyOnWriteArrayList<>();
  private final List<JsonObject> accessLines = new CopyOnWriteArrayList<>();
  private final AccessLog accessLog =
      AccessLog.start(batch -> batch.lines().map(JsonObject::new).forEach(accessLines::add), 4_096);

  private Gateway(boolean nativeTransport) {
    this(new VertxOptions().setPreferNativeTransport(nativeTransport));
  }

  private Gateway(VertxOptions options) {
    this(options, true);
  }

  private Gateway(VertxOptions options, boolean gatewayTransport) {
    // Built as the launcher builds a node's Vert.x: with the transport that guards h2c connections.
    options.setEventLoopPoolSize(2);
    this.vertx = gatewayTransport ? Vertx.builder().with(options).withTransport(GatewayTransport.of(options)).build()
        : Vertx.vertx(options);
  }

  /** Two instances as {@link #start()}, looking names up as {@code resolver} says (a test DNS server, say). */
  public static Gateway start(io.vertx.core.dns.AddressResolverOptions resolver) throws Exception {
    return deploy(new Gateway(new VertxOptions().setAddressResolverOptions(resolver)
        .setPreferNativeTransport(NATIVE_AVAILABLE)), 2);
  }

  /**
   * One proxy instance per event loop (two), on the native transport when this machine has it, as the
   * launcher runs a node (each event loop then accepts on a socket of its own), else on NIO.
   */
  public static Gateway start() throws Exception {
    return start(2, NATIVE_AVAILABLE);
  }

  /** Two instances on a plain Vert.x, built without {@link GatewayTransport} (h2c listeners must refuse it). */
  public static Gateway startWithoutGatewayTransport() throws Exception {
    return deploy(new Gateway(new VertxOptions(), false), 2);
  }

  public static Gateway start(int instances, boolean nativeTransport) throws Exception {
    Gateway gateway = new Gateway(nativeTransport);
    assertThat(gateway.vertx.isNativeTransportEnabled()).as("native transport").isEqualTo(nativeTransport);
    return deploy(gateway, instances);
  }

  private static Gateway deploy(Gateway gateway, int instances) throws Exception {
    await(gateway.vertx.deployVerticle(() -> {
      ProxyVerticle proxy = new ProxyVerticle(gateway.node, gateway.accessLog);
      gateway.proxies.add(proxy);
      return proxy;
    }, new DeploymentOptions().setInstances(instances)));
    return gateway;
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeContext node() {
    return node;
  }

  public MeterRegistry registry() {
    return node.metrics().registry();
  }

  /** Applies the config on every instance, the way the launcher does; waits for all. */
  public void apply(JsonObject json) throws Exception {
    await(applyAsync(json));
  }

  public Future<Void> applyAsync(JsonObject json) {
    GatewayConfig config = ConfigParser.parse(json, Path.of("."));
    List<Future<Void>> applies = new ArrayList<>();
    for (ProxyVerticle proxy : proxies) applies.add(proxy.apply(config));
    return Future.all(applies).mapEmpty();
  }

  public Future<Void> shutdownAsync() {
    return shutdownAsync(null);
  }

  /** Shuts every instance down with a node-wide drain time ({@code null}: each pool's drainTimeout). */
  public Future<Void> shutdownAsync(java.time.Duration drain) {
    List<Future<Void>> stops = new ArrayList<>();
    for (ProxyVerticle proxy : proxies) stops.add(proxy.shutdown(drain));
    return Future.all(stops).mapEmpty();
  }

  /** Marks targets healthy in this node's view, as the health verticle would. */
  public void healthy(String pool, String... addresses) {
    for (String a : addresses) node.health().set(pool, a, TargetHealth.HEALTHY);
  }

  public List<JsonObject> accessLog() {
    return List.copyOf(accessLines);
  }

  /** Waits for the access log line of a finished connection that matches. */
  public JsonObject awaitAccessLine(Predicate<JsonObject> match) {
    return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
        .until(() -> accessLines.stream().filter(match).findFirst().orElse(null), l -> l != null);
  }

  public JsonObject awaitAccessLine(String termination) {
    return awaitAccessLine(l -> termination.equals(l.getString("termination")));
  }

  /** A counter's value, 0 when it was never registered. */
  public double counter(String name, String... tags) {
    Counter c = registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  public double gauge(String name, String... tags) {
    Gauge g = registry().find(name).tags(tags).gauge();
    return g == null ? Double.NaN : g.value();
  }

  public long timerCount(String name, String... tags) {
    Timer t = registry().find(name).tags(tags).timer();
    return t == null ? 0 : t.count();
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      await(vertx.close());
    } finally {
      accessLog.close();
    }
    assertThat(errors.uninstall()).as("errors Vert.x or Netty logged while the gateway ran").isEmpty();
  }
}
