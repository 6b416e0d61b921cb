package io.archway.proxy.tls;

import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.archway.core.testing.TestPki.KeyFormat;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.archway.proxy.testing.TlsClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTerminationTest {

  static TestPki pki;
  static Issued web;
  static Issued api;
  @TempDir Path dir;
  private final int port = Ports.free();
  private TcpBackend backend;
  private Gateway gateway;

  static java.util.List<String> engines() {
    return Engines.all();
  }

  @BeforeAll
  static void pki() throws Exception {
    pki = TestPki.create("test-ca");
    web = pki.issue("web.example.com");
    api = pki.issueEc("exact.example.com", "*.api.example.com");
  }

  @AfterEach
  void stop() throws Exception {
    Engines.reset();
    if (gateway != null) gateway.close();
    if (backend != null) backend.close();
  }

  private void start(String engine, JsonObject tls) throws Exception {
    start(engine, tls, false);
  }

  private void start(String engine, JsonObject tls, boolean nativeTransport) throws Exception {
    Engines.use(engine);
    backend = TcpBackend.banner("hi\n");
    gateway = Gateway.start(2, nativeTransport);
    gateway.healthy("p", backend.address());
    TestPki.write(web, dir.resolve("web.pem"), dir.resolve("web-key.pem"), KeyFormat.TRADITIONAL);
    TestPki.write(api, dir.resolve("api.pem"), dir.resolve("api-key.pem"), KeyFormat.PKCS8);
    pki.writeCa(dir.resolve("ca.pem"));
    gateway.apply(new JsonObject()
        .put("certificates", new JsonArray()
            .add(new JsonObject().put("name", "web").put("cert", dir.resolve("web.pem").toString())
                .put("key", dir.resolve("web-key.pem").toString()))
            .add(new JsonObject().put("name", "api").put("cert", dir.resolve("api.pem").toString())
                .put("key", dir.resolve("api-key.pem").toString()))
            .add(new JsonObject().put("name", "clients").put("ca", dir.resolve("ca.pem").toString())))
        .put("listeners", new JsonArray().add(listener("s", port, "p").put("protocol", "tls").put("tls", tls)))
        .put("pools", new JsonArray().add(pool("p", backend.address()))));
  }

  private static JsonObject tls(String... certificates) {
    return new JsonObject().put("certificates", new JsonArray(java.util.List.of((Object[]) certificates)));
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void terminatesTlsAndRelaysPlaintextWithTheSessionInTheAccessLog(String engine) throws Exception {
    start(engine, tls("web", "api"));
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    try (SSLSocket client = TlsClients.connect(ctx, port, "web.example.com")) {
      Streams.write(client.getOutputStream(), "abc");
      assertThat(Streams.read(client.getInputStream(), 6)).isEqualTo("hi\nabc");
    }
    JsonObject line = gateway.awaitAccessLine("client_close");
    assertThat(line.getJsonObject("tls").getString("protocol")).isEqualTo("TLSv1.3");
    assertThat(line.getJsonObject("tls").getString("cipher")).startsWith("TLS_");
    assertThat(line.getJsonObject("tls").getString("sni")).isEqualTo("web.example.com");
    assertThat(line.getLong("bytesIn")).isEqualTo(3);
    assertThat(line.getLong("bytesOut")).isEqualTo(6);
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void theServerNameChoosesTheCertificateAndTheFirstIsTheDefault(String engine) throws Exception {
    start(engine, tls("web", "api"));
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    assertThat(subjectFor(ctx, "x.api.example.com")).isEqualTo("CN=exact.example.com");
    assertThat(subjectFor(ctx, "exact.example.com")).isEqualTo("CN=exact.example.com");
    assertThat(subjectFor(ctx, "web.example.com")).isEqualTo("CN=web.example.com");
    // Unknown names and no name at all get the first certificate (the client then refuses it).
    assertThatThrownBy(() -> subjectFor(ctx, "a.b.api.example.com")).isInstanceOf(SSLException.class);
    assertThat(subjectNoCheck("unknown.example.org")).isEqualTo("CN=web.example.com");
    assertThat(subjectNoCheck(null)).isEqualTo("CN=web.example.com");
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void failedHandshakesAreClosedCountedAndNeverRelayed(String engine) throws Exception {
    start(engine, tls("web").put("minVersion", "TLSv1.3"));
    try (Socket plain = Streams.connect(port)) {
      Streams.write(plain.getOutputStream(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(Streams.closedByPeer(plain)).isTrue();
    }
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    assertThatThrownBy(() -> TlsClients.connect(ctx, port, "web.example.com", "TLSv1.2").close())
        .isInstanceOf(SSLException.class);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "s", "reason", "tls") == 2);
    assertThat(gateway.accessLog()).extracting(l -> l.getString("termination")).containsOnly("tls_failed");
    assertThat(backend.connections()).isZero();
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void handshakesAreCountedByResultAndFailuresByABoundedReason(String engine) throws Exception {
    start(engine, tls("web").put("minVersion", "TLSv1.3").put("handshakeTimeout", "500ms"));
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    try (SSLSocket s = TlsClients.connect(ctx, port, "web.example.com")) {
      assertThat(Streams.read(s.getInputStream(), 3)).isEqualTo("hi\n");
    }
    try (Socket plain = Streams.connect(port)) {
      Streams.write(plain.getOutputStream(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(Streams.closedByPeer(plain)).isTrue();
    }
    assertThatThrownBy(() -> TlsClients.connect(ctx, port, "web.example.com", "TLSv1.2").close())
        .isInstanceOf(SSLException.class);
    try (Socket silent = Streams.connect(port)) {
      assertThat(Streams.closedByPeer(silent)).isTrue();
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        gateway.counter(MetricNames.TLS_HANDSHAKES, "listener", "s", "result", "failed") == 3);
    assertThat(gateway.counter(MetricNames.TLS_HANDSHAKES, "listener", "s", "result", "ok")).isEqualTo(1);
    assertThat(gateway.counter(MetricNames.TLS_HANDSHAKE_FAILURES, "listener", "s", "reason", "not_tls")).isEqualTo(1);
    assertThat(gateway.counter(MetricNames.TLS_HANDSHAKE_FAILURES, "listener", "s", "reason", "protocol_version"))
        .isEqualTo(1);
    assertThat(gateway.counter(MetricNames.TLS_HANDSHAKE_FAILURES, "listener", "s", "reason", "timeout")).isEqualTo(1);
    // Neither the client's address nor the name it sent becomes a label.
    assertThat(gateway.node().metrics().scrape().lines().filter(l -> l.startsWith("archway_tls_")))
        .hasSize(5)
        .noneMatch(l -> l.contains("127.0.0.1") || l.contains("example.com"));
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void aSilentClientIsClosedAtTheHandshakeTimeout(String engine) throws Exception {
    start(engine, tls("web").put("handshakeTimeout", "300ms"));
    long start = System.nanoTime();
    try (Socket silent = Streams.connect(port)) {
      assertThat(Streams.closedByPeer(silent)).isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
    assertThat(gateway.awaitAccessLine("tls_failed").getString("target")).isNull();
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void aClientThatHalfClosesMidHandshakeIsClosedAtOnceNotAtTheDeadline(String engine) throws Exception {
    // The default 10 s deadline; the relay allows half-closure, so the client's FIN arrives as an event.
    start(engine, tls("web"));
    long start = System.nanoTime();
    try (Socket client = Streams.connect(port)) {
      client.shutdownOutput();
      assertThat(Streams.closedByPeer(client)).isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        gateway.counter(MetricNames.TLS_HANDSHAKE_FAILURES, "listener", "s", "reason", "client_closed") == 1);
    assertThat(gateway.awaitAccessLine("tls_failed").getString("target")).isNull();
    assertThat(backend.connections()).isZero();
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void requiredClientCertificatesAreCheckedAndTheSubjectLogged(String engine) throws Exception {
    start(engine, tls("web").put("clientAuth", "required").put("clientCa", "clients"));
    Issued client = pki.issue("client-1");
    try (SSLSocket s = TlsClients.connect(TlsClients.context(pki.ca(), client), port, "web.example.com")) {
      assertThat(Streams.read(s.getInputStream(), 3)).isEqualTo("hi\n");
    }
    assertThat(gateway.awaitAccessLine("client_close").getJsonObject("tls").getString("clientSubject"))
        .isEqualTo("CN=client-1");
    TestPki stranger = TestPki.create("other-ca");
    for (Issued who : new Issued[] {null, stranger.issue("client-2")}) {
      assertThatThrownBy(() -> {
        try (SSLSocket s = TlsClients.connect(TlsClients.context(pki.ca(), who), port, "web.example.com")) {
          // TLS 1.3 reports a refused client certificate at the first read.
          s.getInputStream().read();
        }
      }).isInstanceOf(java.io.IOException.class);
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "s", "reason", "tls") == 2);
    assertThat(backend.connections()).isEqualTo(1);
    assertThat(gateway.counter(MetricNames.TLS_HANDSHAKE_FAILURES, "listener", "s", "reason", "client_certificate"))
        .isEqualTo(2);
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void optionalClientCertificatesLetAClientWithoutOneIn(String engine) throws Exception {
    start(engine, tls("web").put("clientAuth", "optional").put("clientCa", "clients"));
    try (SSLSocket s = TlsClients.connect(TlsClients.context(pki.ca(), null), port, "web.example.com")) {
      assertThat(Streams.read(s.getInputStream(), 3)).isEqualTo("hi\n");
    }
    assertThat(gateway.awaitAccessLine("client_close").getJsonObject("tls").containsKey("clientSubject")).isFalse();
  }

  private String subjectFor(SSLContext trusting, String sni) throws Exception {
    // A fresh context each time: a resumed session would replay the certificate of an earlier name.
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    try (SSLSocket s = TlsClients.connect(ctx, port, sni)) {
      // The JDK checks the name only for HTTPS endpoint identification: do it here.
      javax.net.ssl.SSLParameters p = s.getSSLParameters();
      String subject = TlsClients.peer(s).getSubjectX500Principal().getName();
      if (!io.archway.core.tls.ServerNames.of(TlsClients.peer(s)).stream().anyMatch(n -> matches(n, sni))) {
        throw new SSLException("certificate " + subject + " is not for " + sni + " (" + p + ")");
      }
      return subject;
    }
  }

  private String subjectNoCheck(String sni) throws Exception {
    try (SSLSocket s = TlsClients.connect(TlsClients.context(pki.ca(), null), port, sni)) {
      return TlsClients.peer(s).getSubjectX500Principal().getName();
    }
  }

  private static boolean matches(String pattern, String name) {
    if (pattern.equals(name)) return true;
    return pattern.startsWith("*.") && name.indexOf('.') > 0 && name.substring(name.indexOf('.')).equals(pattern.substring(1));
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void megabytesEachWayArriveIntactThroughTlsOnNativeTransport(String engine) throws Exception {
    start(engine, tls("web"), true);
    long size = 8L * 1024 * 1024;
    try (SSLSocket client = TlsClients.connect(TlsClients.context(pki.ca(), null), port, "web.example.com")) {
      assertThat(Streams.read(client.getInputStream(), 3)).isEqualTo("hi\n");
      java.util.concurrent.CompletableFuture<String> sent = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return Streams.sendRandom(client.getOutputStream(), 7, size);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      long got = 0;
      while (got < size) {
        int n = client.getInputStream().read(buf, 0, (int) Math.min(buf.length, size - got));
        assertThat(n).isPositive();
        sha.update(buf, 0, n);
        got += n;
      }
      assertThat(java.util.HexFormat.of().formatHex(sha.digest())).isEqualTo(sent.get(30, TimeUnit.SECONDS));
    }
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void aTargetThatClosesEndsTheClientsStreamCleanly(String engine) throws Exception {
    Engines.use(engine);
    try (TcpBackend closing = TcpBackend.start(socket -> {
      Streams.write(socket.getOutputStream(), "bye\n");
      socket.shutdownOutput();
      socket.getInputStream().read();
    })) {
      startWithPoolP2(engine, closing.address());
      try (SSLSocket client = TlsClients.connect(TlsClients.context(pki.ca(), null), port, "web.example.com")) {
        assertThat(Streams.read(client.getInputStream(), 4)).isEqualTo("bye\n");
        // close_notify, then the end of the stream: no truncation error.
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(gateway.awaitAccessLine(l -> "p2".equals(l.getString("pool"))).getString("termination"))
          .isEqualTo("backend_close");
    }
  }

  /** The TLS listener "s" on certificate "web", in front of pool "p2" with one healthy target at {@code target}. */
  private void startWithPoolP2(String engine, String target) throws Exception {
    start(engine, tls("web"));
    gateway.healthy("p2", target);
    gateway.apply(new JsonObject()
        .put("certificates", new JsonArray().add(new JsonObject().put("name", "web")
            .put("cert", dir.resolve("web.pem").toString()).put("key", dir.resolve("web-key.pem").toString())))
        .put("listeners", new JsonArray().add(listener("s", port, "p2").put("protocol", "tls").put("tls", tls("web"))))
        .put("pools", new JsonArray().add(pool("p2", target))));
  }

  /**
   * JDK engine only: Netty's OpenSSL engine closes both directions when it reads the client's close_notify,
   * so there the answer is lost (a documented limitation, docs/configuration.md "Engine").
   */
  @Test
  void aClientThatHalfClosesStillGetsTheWholeAnswerThenACleanEnd() throws Exception {
    String engine = "jdk";
    Engines.use(engine);
    // The backend answers only once the question has ended, then ends too: the client's FIN comes first,
    // and the backend's FIN is the second one, which closes the connection.
    try (TcpBackend answering = TcpBackend.start(socket -> {
      String question = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      Streams.write(socket.getOutputStream(), "answer to " + question);
      socket.shutdownOutput();
    })) {
      startWithPoolP2(engine, answering.address());
      try (SSLSocket client = TlsClients.connect(TlsClients.context(pki.ca(), null), port, "web.example.com")) {
        Streams.write(client.getOutputStream(), "life");
        client.shutdownOutput();   // TLS 1.3: close_notify, then the FIN; reading goes on
        assertThat(Streams.read(client.getInputStream(), "answer to life".length())).isEqualTo("answer to life");
        // The gateway's close_notify, then the end of the stream: no truncation error.
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      }
      JsonObject line = gateway.awaitAccessLine(l -> "p2".equals(l.getString("pool")));
      assertThat(line.getString("termination")).isEqualTo("client_close");
      assertThat(line.getLong("bytesIn")).isEqualTo("life".length());
      assertThat(line.getLong("bytesOut")).isEqualTo("answer to life".length());
      assertThat(answering.errors()).isEmpty();
    }
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void tlsOnePointTwoGetsTheListedSuiteAndPkcs12CertificatesServe(String engine) throws Exception {
    Engines.use(engine);
    TestPki.writePkcs12(web, dir.resolve("web.p12"), "s3cret");
    backend = TcpBackend.banner("hi\n");
    gateway = Gateway.start();
    gateway.healthy("p", backend.address());
    gateway.apply(new JsonObject()
        .put("certificates", new JsonArray().add(new JsonObject().put("name", "bundle")
            .put("pkcs12", dir.resolve("web.p12").toString()).put("password", "s3cret")))
        .put("listeners", new JsonArray().add(listener("s", port, "p").put("protocol", "tls").put("tls", tls("bundle")
            .put("cipherSuites", new JsonArray().add("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")))))
        .put("pools", new JsonArray().add(pool("p", backend.address()))));
    try (SSLSocket s = TlsClients.connect(TlsClients.context(pki.ca(), null), port, "web.example.com", "TLSv1.2")) {
      assertThat(s.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
      assertThat(Streams.read(s.getInputStream(), 3)).isEqualTo("hi\n");
    }
    try (SSLSocket s = TlsClients.connect(TlsClients.context(pki.ca(), null), port, "web.example.com")) {
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
    JsonObject line = gateway.awaitAccessLine(l -> "TLSv1.2".equals(l.getJsonObject("tls").getString("protocol")));
    assertThat(line.getJsonObject("tls").getString("cipher")).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void opensslsOwnClientIsServed(String engine) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(OpenSslClient.present(), "openssl is not installed");
    start(engine, tls("web", "api"));
    String out = OpenSslClient.exchange(port, "v2.api.example.com", dir.resolve("ca.pem"), "ping");
    assertThat(out).contains("hi\nping").contains("Verify return code: 0 (ok)").contains("subject=CN = exact.example.com");
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void sessionsResumeWhicheverEventLoopTakesTheConnection(String engine) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(OpenSslClient.present(), "openssl is not installed");
    start(engine, tls("web"));
    Path session = dir.resolve("session.pem");
    OpenSslClient.resumed(port, "web.example.com", dir.resolve("ca.pem"), session, true);
    // The gateway runs two proxy instances that take turns accepting: six tries reach both.
    for (int i = 0; i < 6; i++) {
      assertThat(OpenSslClient.resumed(port, "web.example.com", dir.resolve("ca.pem"), session, false))
          .as("resumption %d", i).isTrue();
    }
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void aNagleClientsFirstRequestDoesNotWaitForADelayedAck(String engine) throws Exception {
    start(engine, tls("web"));
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    long[] millis = new long[9];
    for (int i = 0; i < millis.length; i++) {
      try (Socket raw = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
        // Nagle on, as in hiredis: the request waits for the ACK of the client's Finished.
        raw.setTcpNoDelay(false);
        raw.setSoTimeout(20_000);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "web.example.com", port, true);
        s.startHandshake();
        long start = System.nanoTime();
        Streams.write(s.getOutputStream(), "x");
        assertThat(Streams.read(s.getInputStream(), 4)).isEqualTo("hi\nx");
        millis[i] = (System.nanoTime() - start) / 1_000_000;
      }
    }
    java.util.Arrays.sort(millis);
    // Linux delays an ACK by 40 ms at least: a median under 30 ms says none was waited for.
    assertThat(millis[millis.length / 2]).as("median ms, all: %s", java.util.Arrays.toString(millis)).isLessThan(30);
  }
}
