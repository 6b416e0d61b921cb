package io.archway.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.HostPort;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.PoolHttpConfig;
import io.archway.core.config.PoolTraffic;
import io.archway.core.config.PoolProtocol;
import io.archway.core.config.PoolTlsConfig;
import io.archway.core.config.ProbeConfig;
import io.archway.core.config.ProbeType;
import io.archway.core.config.Balance;
import io.archway.core.testing.EchoBackend;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS probes against a real TLS target on loopback. */
class TlsProbeTest {

  @TempDir static Path dir;
  static Vertx vertx;
  static NetClient client;
  static TestPki pki;
  static SSLServerSocket server;
  static SSLServerSocket mutualServer;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    client = vertx.createNetClient();
    pki = TestPki.create("probe-ca");
    Issued cert = pki.issue("redis.internal");
    pki.writeCa(dir.resolve("ca.pem"));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("k", cert.keys().getPrivate(), "x".toCharArray(), cert.chain().toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "x".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    serve(server);
    // A target that requires a client certificate, over TLS 1.3: it refuses one only after the handshake.
    SSLContext mutual = SSLContext.getInstance("TLSv1.3");
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", pki.ca());
    tmf.init(trust);
    mutual.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    mutualServer = (SSLServerSocket) mutual.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    mutualServer.setNeedClientAuth(true);
    mutualServer.setEnabledProtocols(new String[] {"TLSv1.3"});
    serve(mutualServer);
  }

  private static void serve(SSLServerSocket socket) {
    Thread t = new Thread(() -> {
      while (!socket.isClosed()) {
        try (SSLSocket s = (SSLSocket) socket.accept()) {
          s.setSoTimeout(2_000);
          s.startHandshake();
          s.getInputStream().read();
        } catch (IOException e) {
          // A probe that closes, or a failed handshake: next.
        }
      }
    }, "tls-target");
    t.setDaemon(true);
    t.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    mutualServer.close();
    vertx.close().await();
  }

  private static PoolConfig pool(PoolProtocol protocol, Optional<PoolTlsConfig> tls) {
    return new PoolConfig("p", protocol, Balance.ROUND_ROBIN, Duration.ofSeconds(1), Duration.ofMinutes(1),
        Duration.ZERO, 0, tls, List.of(), new ProbeConfig(ProbeType.TLS, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1),
        PoolHttpConfig.none(), PoolTraffic.defaults());
  }

  private static Map<String, CertificateConfig> certificates() {
    return Map.of("ca", new CertificateConfig("ca", Optional.empty(), Optional.empty(),
        Optional.of(dir.resolve("ca.pem").toString()), Optional.empty(), Optional.empty()));
  }

  private static HostPort target() {
    return new HostPort("127.0.0.1", server.getLocalPort());
  }

  @Test
  void aTargetTrustedByThePoolsCaUnderThePoolsNamePasses() {
    Check check = new ProbeChecks(client, vertx.createHttpClient()).forPool(pool(PoolProtocol.TLS,
        Optional.of(new PoolTlsConfig(Optional.of("ca"), Optional.of("redis.internal"), true, Optional.empty()))),
        certificates());
    check.check(target(), Duration.ofSeconds(2)).await();
  }

  @Test
  void aTargetWhoseCertificateIsForAnotherNameFails() throws InterruptedException {
    Check check = new ProbeChecks(client, vertx.createHttpClient()).forPool(pool(PoolProtocol.TLS,
        Optional.of(new PoolTlsConfig(Optional.of("ca"), Optional.of("cache.internal"), true, Optional.empty()))),
        certificates());
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger vertxLog = Logger.getLogger("io.vertx");
    vertxLog.addHandler(capture);
    try {
      assertThat(check.check(target(), Duration.ofSeconds(2)).toCompletionStage().toCompletableFuture())
          .failsWithin(Duration.ofSeconds(5)).withThrowableThat().withMessageContaining("TLS handshake failed");
      // Vert.x would log the handshake's exception on the event loop right after the probe's result.
      Thread.sleep(300);
    } finally {
      vertxLog.removeHandler(capture);
    }
    // The failure is the probe's result; Vert.x logged it at SEVERE for every probe of such a target.
    assertThat(logged).noneMatch(r -> r.getLevel() == Level.SEVERE);
  }

  @Test
  void aTls13TargetThatRefusesTheClientCertificateAfterTheHandshakeFails() {
    // The pool has no client certificate; the target wants one. Its TLS 1.3 handshake completes on the
    // probe's side, then the target sends its alert and closes.
    Check check = new ProbeChecks(client, vertx.createHttpClient()).forPool(pool(PoolProtocol.TLS,
        Optional.of(new PoolTlsConfig(Optional.of("ca"), Optional.of("redis.internal"), true, Optional.empty()))),
        certificates());
    assertThat(check.check(new HostPort("127.0.0.1", mutualServer.getLocalPort()), Duration.ofSeconds(2))
        .toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5)).withThrowableThat().withMessageContaining("right after the TLS 1.3 handshake");
  }

  @Test
  void aTcpPoolsTlsProbeOnlyAsksForAHandshake() {
    Check check = new ProbeChecks(client, vertx.createHttpClient()).forPool(pool(PoolProtocol.TCP, Optional.empty()), Map.of());
    check.check(target(), Duration.ofSeconds(2)).await();
    EchoBackend plain = EchoBackend.start(vertx).await();
    HostPort plainTarget = HostPort.parse(plain.address());
    assertThat(check.check(plainTarget, Duration.ofMillis(500)).toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5));
  }
}
