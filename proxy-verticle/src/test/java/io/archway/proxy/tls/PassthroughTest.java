package io.archway.proxy.tls;

import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.archway.proxy.testing.TlsBackend;
import io.archway.proxy.testing.TlsClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PassthroughTest {

  static TestPki pki;
  static Issued everyName;
  private final int port = Ports.free();
  private Gateway gateway;

  @BeforeAll
  static void pki() throws Exception {
    pki = TestPki.create("passthrough-ca");
    everyName = pki.issue("app.example.com", "*.api.example.com", "other.example.org", "localhost");
  }

  @BeforeEach
  void start() throws Exception {
    gateway = Gateway.start();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject rule(String pool, String... hosts) {
    return new JsonObject().put("hosts", new JsonArray(List.of((Object[]) hosts))).put("pool", pool);
  }

  private void apply(JsonArray rules, String idleTimeout, JsonObject... pools) throws Exception {
    JsonArray list = new JsonArray();
    for (JsonObject p : pools) list.add(p);
    gateway.apply(new JsonObject()
        .put("listeners", new JsonArray().add(listener("edge", port, "fallback").put("protocol", "tls-passthrough")
            .put("idleTimeout", idleTimeout).put("sni", rules)))
        .put("pools", list));
  }

  @Test
  void routesByExactNameThenWildcardThenTheDefaultPoolWithoutDecrypting() throws Exception {
    try (TlsBackend app = TlsBackend.start("app", everyName, pki.ca(), false);
        TlsBackend api = TlsBackend.start("api", everyName, pki.ca(), false);
        TlsBackend fallback = TlsBackend.start("fallback", everyName, pki.ca(), false)) {
      gateway.healthy("app", app.address());
      gateway.healthy("api", api.address());
      gateway.healthy("fallback", fallback.address());
      apply(new JsonArray().add(rule("app", "app.example.com")).add(rule("api", "*.api.example.com")), "4m",
          pool("app", app.address()), pool("api", api.address()), pool("fallback", fallback.address()));

      SSLContext ctx = TlsClients.context(pki.ca(), null);
      assertThat(greeting(ctx, "app.example.com")).isEqualTo("app -");
      assertThat(greeting(ctx, "v1.api.example.com")).isEqualTo("api -");
      assertThat(greeting(ctx, "other.example.org")).isEqualTo("fallback -");
      assertThat(greeting(ctx, null)).isEqualTo("fallback -");

      JsonObject line = gateway.awaitAccessLine(l -> "api".equals(l.getString("pool")));
      assertThat(line.getJsonObject("tls")).isEqualTo(new JsonObject().put("sni", "v1.api.example.com"));
      assertThat(line.getString("target")).isEqualTo(api.address());
    }
  }

  @Test
  void aClientHelloSplitOverSegmentsIsRoutedAndForwardedByteForByte() throws Exception {
    byte[] hello = clientHello("split.example.com");
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    try (TcpBackend raw = TcpBackend.start(s -> received.complete(s.getInputStream().readNBytes(hello.length)));
        TcpBackend fallback = TcpBackend.echo()) {
      gateway.healthy("raw", raw.address());
      gateway.healthy("fallback", fallback.address());
      apply(new JsonArray().add(rule("raw", "split.example.com")), "4m",
          pool("raw", raw.address()), pool("fallback", fallback.address()));
      try (Socket client = Streams.connect(port)) {
        OutputStream out = client.getOutputStream();
        int[] cuts = {0, 3, 9, hello.length / 2, hello.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
          out.write(hello, cuts[i], cuts[i + 1] - cuts[i]);
          out.flush();
          Thread.sleep(30);
        }
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(hello);
      }
      assertThat(fallback.connections()).isZero();
    }
  }

  @Test
  void garbageIsClosedAndCountedNeverRouted() throws Exception {
    try (TcpBackend fallback = TcpBackend.echo()) {
      gateway.healthy("fallback", fallback.address());
      apply(new JsonArray(), "4m", pool("fallback", fallback.address()));
      for (String garbage : new String[] {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\u0015\u0003\u0003\u0000\u0002\u0002\u0028"}) {
        try (Socket client = Streams.connect(port)) {
          Streams.write(client.getOutputStream(), garbage);
          assertThat(Streams.closedByPeer(client)).isTrue();
        }
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
          gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "edge", "reason", "tls") == 2);
      assertThat(fallback.connections()).isZero();
      assertThat(gateway.accessLog()).extracting(l -> l.getString("termination")).containsOnly("tls_failed");
      assertThat(gateway.counter(MetricNames.TLS_HANDSHAKE_FAILURES, "listener", "edge", "reason", "not_tls"))
          .isEqualTo(2);
      assertThat(gateway.counter(MetricNames.TLS_HANDSHAKES, "listener", "edge", "result", "failed")).isEqualTo(2);
    }
  }

  @Test
  void aClientThatSendsNoClientHelloIsClosedInBoundedTime() throws Exception {
    try (TcpBackend fallback = TcpBackend.echo()) {
      gateway.healthy("fallback", fallback.address());
      apply(new JsonArray(), "1s", pool("fallback", fallback.address()));
      long start = System.nanoTime();
      try (Socket client = Streams.connect(port)) {
        Streams.write(client.getOutputStream(), "\u0016\u0003\u0001");
        assertThat(Streams.closedByPeer(client)).isTrue();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
      assertThat(gateway.awaitAccessLine("tls_failed").getString("target")).isNull();
      assertThat(fallback.connections()).isZero();
    }
  }

  @Test
  void aClientThatHalfClosesBeforeItsClientHelloIsClosedAtOnce() throws Exception {
    try (TcpBackend fallback = TcpBackend.echo()) {
      gateway.healthy("fallback", fallback.address());
      apply(new JsonArray(), "1m", pool("fallback", fallback.address()));
      long start = System.nanoTime();
      try (Socket client = Streams.connect(port)) {
        Streams.write(client.getOutputStream(), "\u0016\u0003\u0001");
        client.shutdownOutput();
        assertThat(Streams.closedByPeer(client)).isTrue();
      }
      // The ClientHello deadline is 10 s here: the FIN, not the deadline, ended it.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(gateway.awaitAccessLine("tls_failed").getString("target")).isNull();
      assertThat(fallback.connections()).isZero();
    }
  }

  private String greeting(SSLContext trusting, String sni) throws Exception {
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    try (SSLSocket s = TlsClients.connect(ctx, port, sni)) {
      return TlsBackend.greeting(s);
    }
  }

  /** The first flight of a JDK TLS client for {@code sni}: a real ClientHello, as bytes. */
  private static byte[] clientHello(String sni) throws Exception {
    SSLEngine engine = TlsClients.context(pki.ca(), null).createSSLEngine("localhost", 443);
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName(sni)));
    engine.setSSLParameters(params);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    return Arrays.copyOf(out.array(), out.limit());
  }
}
