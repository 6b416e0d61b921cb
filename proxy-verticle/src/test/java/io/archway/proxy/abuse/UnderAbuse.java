package io.archway.proxy.abuse;

import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.archway.core.testing.TestPki.KeyFormat;
import io.archway.proxy.abuse.BadClient.Outcome;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.archway.proxy.testing.TlsBackend;
import io.archway.proxy.testing.TlsClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;

/**
 * One gateway with a listener of every kind, each with short deadlines (1 s) so that a silent or
 * truncated client is cut off quickly, the backends behind them, and a good client for each kind.
 */
final class UnderAbuse implements AutoCloseable {

  /** The listener kinds under test; the name is the listener's. */
  enum Kind {
    TCP("tcp"), TLS("tls"), PASSTHROUGH("passthrough"), HTTP("http"), HTTPS("https"),
    PROXY_TCP("proxy-tcp"), PROXY_TLS("proxy-tls");

    final String listener;

    Kind(String listener) {
      this.listener = listener;
    }
  }

  /** How long a client may go without completing its start before the gateway closes it. */
  static final String DEADLINE = "1s";
  /** How long a test waits for the gateway to close a bad client: the deadline with room for a loaded machine. */
  static final Duration BOUND = Duration.ofSeconds(8);
  static final String PROXY_V1 = "PROXY TCP4 203.0.113.7 127.0.0.1 40000 443\r\n";

  private final TestPki pki;
  private final Gateway gateway;
  private final TcpBackend echo;
  private final TlsBackend tlsBackend;
  private final HttpBackend web;
  private final Map<Kind, Integer> ports = new EnumMap<>(Kind.class);
  private final SSLContext clientContext;

  private UnderAbuse(Path dir, boolean accessLog) throws Exception {
    pki = TestPki.create("abuse-ca");
    Issued cert = pki.issue("web.example.com");
    TestPki.write(cert, dir.resolve("web.pem"), dir.resolve("web-key.pem"), KeyFormat.PKCS8);
    clientContext = TlsClients.context(pki.ca(), null);
    echo = TcpBackend.echo();
    tlsBackend = TlsBackend.start("passed", cert, pki.ca(), false);
    web = HttpBackend.start("web");
    gateway = Gateway.start();
    gateway.healthy("echo", echo.address());
    gateway.healthy("tls-echo", tlsBackend.address());
    gateway.healthy("web", web.address());
    for (Kind k : Kind.values()) ports.put(k, Ports.free());
    JsonObject tls = new JsonObject().put("certificates", new JsonArray().add("web")).put("handshakeTimeout", DEADLINE);
    JsonArray listeners = new JsonArray()
        .add(listener("tcp", port(Kind.TCP), "echo").put("idleTimeout", DEADLINE))
        .add(listener("tls", port(Kind.TLS), "echo").put("protocol", "tls").put("tls", tls.copy()))
        .add(listener("passthrough", port(Kind.PASSTHROUGH), "tls-echo").put("protocol", "tls-passthrough")
            .put("idleTimeout", DEADLINE))
        .add(listener("http", port(Kind.HTTP), "web").put("protocol", "http").put("idleTimeout", DEADLINE))
        .add(listener("https", port(Kind.HTTPS), "web").put("protocol", "https").put("idleTimeout", DEADLINE)
            .put("tls", tls.copy()))
        .add(listener("proxy-tcp", port(Kind.PROXY_TCP), "echo").put("acceptProxyProtocol", true)
            .put("idleTimeout", DEADLINE))
        .add(listener("proxy-tls", port(Kind.PROXY_TLS), "echo").put("protocol", "tls").put("acceptProxyProtocol", true)
            .put("idleTimeout", DEADLINE).put("tls", tls.copy()));
    JsonArray pools = new JsonArray()
        .add(pool("echo", echo.address()))
        .add(pool("tls-echo", tlsBackend.address()))
        .add(pool("web", web.address()).put("protocol", "http"));
    gateway.apply(new JsonObject()
        .put("accessLog", new JsonObject().put("enabled", accessLog))
        .put("certificates", new JsonArray().add(new JsonObject().put("name", "web")
            .put("cert", dir.resolve("web.pem").toString()).put("key", dir.resolve("web-key.pem").toString())))
        .put("listeners", listeners)
        .put("pools", pools));
  }

  static UnderAbuse start(Path dir) throws Exception {
    return new UnderAbuse(dir, true);
  }

  /** Without access log lines: a flood would fill the in-memory log. */
  static UnderAbuse startQuiet(Path dir) throws Exception {
    return new UnderAbuse(dir, false);
  }

  Gateway gateway() {
    return gateway;
  }

  int port(Kind kind) {
    return ports.get(kind);
  }

  /** {@code archway_listener_rejected_total{listener, reason}}. */
  double rejected(Kind kind, String reason) {
    return gateway.counter(MetricNames.LISTENER_REJECTED, MetricNames.TAG_LISTENER, kind.listener,
        MetricNames.TAG_REASON, reason);
  }

  /** {@code archway_tls_handshake_failures_total{listener, reason}}. */
  double handshakeFailures(Kind kind, String reason) {
    return gateway.counter(MetricNames.TLS_HANDSHAKE_FAILURES, MetricNames.TAG_LISTENER, kind.listener,
        MetricNames.TAG_REASON, reason);
  }

  /** Waits until the listener holds no client connection ({@code archway_listener_connections_active} 0). */
  void awaitNoneOpen(Kind kind) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
        assertThat(gateway.gauge(MetricNames.LISTENER_CONNECTIONS_ACTIVE, MetricNames.TAG_LISTENER, kind.listener))
            .as("connections open on %s", kind.listener).isZero());
  }

  /** Asserts that a well-behaved client of this kind is served end to end. */
  void assertServesGoodClient(Kind kind) throws Exception {
    switch (kind) {
      case TCP -> {
        try (Socket s = Streams.connect(port(kind))) {
          assertEcho(s);
        }
      }
      case PROXY_TCP -> {
        try (Socket s = Streams.connect(port(kind))) {
          Streams.write(s.getOutputStream(), PROXY_V1);
          assertEcho(s);
        }
      }
      case TLS -> {
        try (SSLSocket s = TlsClients.connect(clientContext, port(kind), "web.example.com")) {
          assertEcho(s);
        }
      }
      case PROXY_TLS -> {
        Socket raw = Streams.connect(port(kind));
        Streams.write(raw.getOutputStream(), PROXY_V1);
        try (SSLSocket s = tlsOver(raw, port(kind))) {
          assertEcho(s);
        }
      }
      case PASSTHROUGH -> {
        try (SSLSocket s = TlsClients.connect(clientContext, port(kind), "web.example.com")) {
          assertThat(TlsBackend.greeting(s)).startsWith("passed ");
        }
      }
      case HTTP -> {
        try (Socket s = Streams.connect(port(kind))) {
          assertThat(get(s)).startsWith("HTTP/1.1 200");
        }
      }
      case HTTPS -> {
        try (SSLSocket s = TlsClients.connect(clientContext, port(kind), "web.example.com")) {
          assertThat(get(s)).startsWith("HTTP/1.1 200");
        }
      }
    }
  }

  /** A TLS client socket to an https or tls listener, handshake done. */
  SSLSocket tlsClient(Kind kind) throws Exception {
    return TlsClients.connect(clientContext, port(kind), "web.example.com");
  }

  /** Access log lines so far of this listener with this termination. */
  long accessLines(Kind kind, String termination) {
    return gateway.accessLog().stream()
        .filter(l -> kind.listener.equals(l.getString("listener")) && termination.equals(l.getString("termination")))
        .count();
  }

  /** Waits for the access log to hold more than {@code before} such lines. */
  void awaitAccessLines(Kind kind, String termination, long before) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
        .until(() -> accessLines(kind, termination) > before);
  }

  /** Waits until {@code value} reads at least {@code expected}. */
  static void awaitCount(String what, java.util.function.DoubleSupplier value, double expected) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
        assertThat(value.getAsDouble()).as(what).isGreaterThanOrEqualTo(expected));
  }

  private SSLSocket tlsOver(Socket raw, int port) throws Exception {
    SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket(raw, "localhost", port, true);
    SSLParameters params = s.getSSLParameters();
    params.setServerNames(java.util.List.of(new SNIHostName("web.example.com")));
    s.setSSLParameters(params);
    s.setSoTimeout(20_000);
    s.startHandshake();
    return s;
  }

  private static void assertEcho(Socket s) throws Exception {
    Streams.write(s.getOutputStream(), "still-serving");
    assertThat(Streams.read(s.getInputStream(), 13)).isEqualTo("still-serving");
  }

  /** A GET with {@code Connection: close}; the whole answer as text. */
  private static String get(Socket s) throws Exception {
    Streams.write(s.getOutputStream(), "GET /good HTTP/1.1\r\nHost: web.example.com\r\nConnection: close\r\n\r\n");
    InputStream in = s.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  /**
   * Sends {@code input} to a tls or passthrough listener: the client must be closed within {@link #BOUND},
   * get no byte of a target, be counted as a tls rejection with handshake failure {@code failure} and
   * logged {@code tls_failed}; the listener then holds nothing and serves a good client.
   */
  void assertTlsRefused(Kind kind, byte[] input, String failure) throws Exception {
    double rejected = rejected(kind, "tls");
    double failures = handshakeFailures(kind, failure);
    long logged = accessLines(kind, "tls_failed");
    Outcome outcome = BadClient.send(port(kind), input, BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    assertThat(outcome.text()).as("no byte of the target").doesNotContain("still-serving", "passed");
    awaitCount("rejected{reason=tls}", () -> rejected(kind, "tls"), rejected + 1);
    awaitCount("handshake failures{reason=" + failure + "}", () -> handshakeFailures(kind, failure),
        failures + 1);
    awaitAccessLines(kind, "tls_failed", logged);
    awaitNoneOpen(kind);
    assertServesGoodClient(kind);
    awaitNoneOpen(kind);
  }

  @Override
  public void close() throws Exception {
    try {
      gateway.close();
    } finally {
      echo.close();
      tlsBackend.close();
      web.close();
    }
  }
}
