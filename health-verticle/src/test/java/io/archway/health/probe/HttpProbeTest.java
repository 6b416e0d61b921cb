package io.archway.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.config.Balance;
import io.archway.core.config.CertificateConfig;
import io.archway.core.config.HostPort;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.PoolHttpConfig;
import io.archway.core.config.PoolProtocol;
import io.archway.core.config.PoolTlsConfig;
import io.archway.core.config.PoolTraffic;
import io.archway.core.config.ProbeConfig;
import io.archway.core.config.ProbeHttpConfig;
import io.archway.core.config.ProbeHttpConfig.StatusRange;
import io.archway.core.config.ProbeType;
import io.archway.core.testing.ErrorLog;
import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.KeyFormat;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP probes against a real Vert.x HTTP server on loopback. */
class HttpProbeTest {

  @TempDir Path dir;
  private Vertx vertx;
  private NetClient client;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  /** Vert.x logs an exception no handler took at SEVERE: a probe's own reset must not be one. */
  private ErrorLog errors;

  @BeforeEach
  void start() {
    errors = ErrorLog.install();
    vertx = Vertx.vertx();
    client = vertx.createNetClient();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    assertThat(errors.uninstall()).as("SEVERE lines Vert.x or Netty logged during the test").isEmpty();
  }

  private HostPort serve(Handler<HttpServerRequest> handler) {
    return serve(new HttpServerOptions(), handler);
  }

  private HostPort serve(HttpServerOptions options, Handler<HttpServerRequest> handler) {
    HttpServer server = vertx.createHttpServer(options.setHost("127.0.0.1")).requestHandler(request -> {
      seen.add(request.method() + " " + request.uri() + " Host=" + request.headers().get("Host"));
      handler.handle(request);
    });
    return new HostPort("127.0.0.1", server.listen(0).await().actualPort());
  }

  private Check check(PoolProtocol protocol, ProbeHttpConfig http, Optional<PoolTlsConfig> tls,
      Map<String, CertificateConfig> certificates) {
    PoolConfig pool = new PoolConfig("web", protocol, Balance.ROUND_ROBIN, Duration.ofSeconds(1), Duration.ofMinutes(1),
        Duration.ZERO, 0, tls, List.of(), new ProbeConfig(ProbeType.HTTP, Duration.ofSeconds(1), Duration.ofSeconds(1),
        1, 1, http), PoolHttpConfig.none(), PoolTraffic.defaults());
    return new ProbeChecks(client, vertx.createHttpClient()).forPool(pool, certificates);
  }

  private Check check(ProbeHttpConfig http) {
    return check(PoolProtocol.TCP, http, Optional.empty(), Map.of());
  }

  private static ProbeHttpConfig http(String path, String host, String body, StatusRange... statuses) {
    return new ProbeHttpConfig(path, Optional.ofNullable(host),
        statuses.length == 0 ? ProbeHttpConfig.defaults().expectStatus() : List.of(statuses), Optional.ofNullable(body));
  }

  private static CompletableFuture<Void> run(Check check, HostPort target, Duration timeout) {
    return check.check(target, timeout).toCompletionStage().toCompletableFuture();
  }

  @Test
  void aTargetAnsweringAnExpectedStatusOnThePathWithTheHostPasses() {
    HostPort target = serve(r -> r.response().setStatusCode(204).end());
    check(http("/healthz?deep=1", "app.example.com", null)).check(target, Duration.ofSeconds(10)).await();
    assertThat(seen).containsExactly("GET /healthz?deep=1 Host=app.example.com");
  }

  @Test
  void withoutAHostTheProbeSendsTheTargetsAddressAndAsksForSlash() {
    HostPort target = serve(r -> r.response().end("ok"));
    check(ProbeHttpConfig.defaults()).check(target, Duration.ofSeconds(10)).await();
    assertThat(seen).containsExactly("GET / Host=" + target);
  }

  @Test
  void aStatusOutsideTheExpectedOnesFails() {
    HostPort target = serve(r -> r.response().setStatusCode(503).end("down"));
    assertThat(run(check(ProbeHttpConfig.defaults()), target, Duration.ofSeconds(10)))
        .failsWithin(Duration.ofSeconds(15)).withThrowableThat()
        .withMessageContaining("HTTP status 503 (expected 200-399)");
    // A redirect is a pass by default, and not followed; a list of statuses narrows it.
    HostPort moved = serve(r -> r.response().setStatusCode(302).putHeader("Location", "/elsewhere").end());
    check(ProbeHttpConfig.defaults()).check(moved, Duration.ofSeconds(10)).await();
    assertThat(run(check(http("/", null, null, new StatusRange(200, 200), new StatusRange(204, 204))), moved,
        Duration.ofSeconds(10))).failsWithin(Duration.ofSeconds(15)).withThrowableThat()
        .withMessageContaining("HTTP status 302 (expected 200, 204)");
  }

  @Test
  void theBodyMustContainTheExpectedText() {
    HostPort up = serve(r -> r.response().setChunked(true).write("{\"status\":").compose(v -> r.response().end("\"UP\"}")));
    check(http("/", null, "\"status\":\"UP\"")).check(up, Duration.ofSeconds(10)).await();

    HostPort down = serve(r -> r.response().end("{\"status\":\"DOWN\"}"));
    assertThat(run(check(http("/", null, "\"status\":\"UP\"")), down, Duration.ofSeconds(10)))
        .failsWithin(Duration.ofSeconds(15)).withThrowableThat()
        .withMessageContaining("does not contain '\"status\":\"UP\"'");
  }

  @Test
  void onlyTheFirst64KiBOfABodyAreSearched() {
    String filler = "x".repeat(ProbeHttpConfig.BODY_LIMIT);
    HostPort late = serve(r -> r.response().end(filler + "READY"));
    assertThat(run(check(http("/", null, "READY")), late, Duration.ofSeconds(10)))
        .failsWithin(Duration.ofSeconds(15)).withThrowableThat()
        .withMessageContaining("the first 65536 bytes of the body do not contain 'READY'");
  }

  @Test
  void aTargetThatNeverAnswersTimesOut() {
    HostPort silent = serve(r -> { });
    long start = System.nanoTime();
    assertThat(run(check(ProbeHttpConfig.defaults()), silent, Duration.ofMillis(300)))
        .failsWithin(Duration.ofSeconds(15)).withThrowableThat()
        .havingRootCause().isInstanceOf(TimeoutException.class).withMessage("no HTTP answer within 300ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    Throwable cause = check(ProbeHttpConfig.defaults()).check(silent, Duration.ofMillis(100))
        .transform(ar -> Future.<Throwable>succeededFuture(ar.cause())).await();
    assertThat(ProbeOutcome.ofFailure(cause)).isEqualTo(ProbeOutcome.TIMEOUT);
  }

  @Test
  void aTargetThatRefusesConnectionsFails() {
    HostPort closed = new HostPort("127.0.0.1", Ports.closed());
    assertThat(run(check(ProbeHttpConfig.defaults()), closed, Duration.ofSeconds(10)))
        .failsWithin(Duration.ofSeconds(15));
  }

  @Test
  void aTlsPoolIsProbedOverHttpsWithItsTrustAndServerName() throws Exception {
    TestPki pki = TestPki.create("probe-ca");
    TestPki.write(pki.issue("web.internal"), dir.resolve("web.pem"), dir.resolve("web-key.pem"), KeyFormat.PKCS8);
    pki.writeCa(dir.resolve("ca.pem"));
    HostPort target = serve(new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(dir.resolve("web.pem").toString()).setKeyPath(dir.resolve("web-key.pem").toString())),
        r -> r.response().end("ok"));
    Map<String, CertificateConfig> certificates = Map.of("ca", new CertificateConfig("ca", Optional.empty(),
        Optional.empty(), Optional.of(dir.resolve("ca.pem").toString()), Optional.empty(), Optional.empty()));

    check(PoolProtocol.TLS, ProbeHttpConfig.defaults(), Optional.of(new PoolTlsConfig(Optional.of("ca"),
        Optional.of("web.internal"), true, Optional.empty())), certificates).check(target, Duration.ofSeconds(10)).await();
    // The certificate is checked against the pool's server name.
    assertThat(run(check(PoolProtocol.TLS, ProbeHttpConfig.defaults(), Optional.of(new PoolTlsConfig(
        Optional.of("ca"), Optional.of("other.internal"), true, Optional.empty())), certificates), target,
        Duration.ofSeconds(10))).failsWithin(Duration.ofSeconds(15));
    // A plain HTTP probe of a TCP pool does not speak TLS to it.
    assertThat(run(check(ProbeHttpConfig.defaults()), target, Duration.ofSeconds(10))).failsWithin(Duration.ofSeconds(15));
  }
}
