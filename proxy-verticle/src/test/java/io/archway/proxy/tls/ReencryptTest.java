package io.archway.proxy.tls;

import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.archway.core.testing.TestPki.KeyFormat;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TlsBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A TCP listener in front of a TLS pool: the gateway re-encrypts to targets that speak TLS. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReencryptTest {

  static TestPki pki;
  static Issued target;
  static Issued gatewayClient;
  @TempDir Path dir;
  private final int port = Ports.free();
  private Gateway gateway;

  static java.util.List<String> engines() {
    return Engines.all();
  }

  @BeforeAll
  static void pki() throws Exception {
    pki = TestPki.create("backend-ca");
    target = pki.issue("redis.internal", "127.0.0.1");
    gatewayClient = pki.issue("gateway-1");
  }

  @AfterEach
  void stop() throws Exception {
    Engines.reset();
    if (gateway != null) gateway.close();
  }

  private void apply(String engine, String address, JsonObject tls) throws Exception {
    Engines.use(engine);
    gateway = Gateway.start();
    gateway.healthy("p", address);
    pki.writeCa(dir.resolve("ca.pem"));
    TestPki.write(gatewayClient, dir.resolve("gw.pem"), dir.resolve("gw-key.pem"), KeyFormat.PKCS8);
    gateway.apply(new JsonObject()
        .put("certificates", new JsonArray()
            .add(new JsonObject().put("name", "internal-ca").put("ca", dir.resolve("ca.pem").toString()))
            .add(new JsonObject().put("name", "gw").put("cert", dir.resolve("gw.pem").toString())
                .put("key", dir.resolve("gw-key.pem").toString())))
        .put("listeners", new JsonArray().add(listener("plain", port, "p")))
        .put("pools", new JsonArray().add(pool("p", address).put("protocol", "tls").put("tls", tls).put("retries", 0))));
  }

  private String greeting() throws Exception {
    try (Socket client = Streams.connect(port)) {
      String line = TlsBackend.greeting(client);
      Streams.write(client.getOutputStream(), "ping");
      assertThat(Streams.read(client.getInputStream(), 4)).isEqualTo("ping");
      return line;
    }
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void targetsAreVerifiedAgainstThePrivateCaAndTheirName(String engine) throws Exception {
    try (TlsBackend backend = TlsBackend.start("redis", target, pki.ca(), false)) {
      apply(engine, backend.address(), new JsonObject().put("trustCa", "internal-ca").put("sni", "redis.internal"));
      assertThat(greeting()).isEqualTo("redis -");
      assertThat(backend.handshakes()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void aTargetWhoseCertificateIsForAnotherNameIsRefused(String engine) throws Exception {
    try (TlsBackend backend = TlsBackend.start("redis", target, pki.ca(), false)) {
      apply(engine, backend.address(), new JsonObject().put("trustCa", "internal-ca").put("sni", "cache.internal"));
      try (Socket client = Streams.connect(port)) {
        assertThat(Streams.closedByPeer(client)).isTrue();
      }
      assertThat(gateway.awaitAccessLine("connect_failed").getString("target")).isEqualTo(backend.address());
      assertThat(gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", backend.address()))
          .isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void withoutHostNameVerificationOnlyTheCaIsChecked(String engine) throws Exception {
    try (TlsBackend backend = TlsBackend.start("redis", target, pki.ca(), false)) {
      apply(engine, backend.address(), new JsonObject().put("trustCa", "internal-ca").put("sni", "cache.internal")
          .put("verifyHostname", false));
      assertThat(greeting()).isEqualTo("redis -");
    }
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void theGatewayPresentsItsClientCertificateToTargetsThatRequireOne(String engine) throws Exception {
    try (TlsBackend backend = TlsBackend.start("redis", target, pki.ca(), true)) {
      apply(engine, backend.address(), new JsonObject().put("trustCa", "internal-ca").put("certificate", "gw"));
      // No sni: the target's host (127.0.0.1) is the name verified, against the certificate's IP address.
      assertThat(greeting()).isEqualTo("redis CN=gateway-1");
    }
  }

  @ParameterizedTest(name = "engine {0}")
  @MethodSource("engines")
  void theSystemCasDoNotTrustAPrivateCa(String engine) throws Exception {
    try (TlsBackend backend = TlsBackend.start("redis", target, pki.ca(), false)) {
      apply(engine, backend.address(), new JsonObject());
      try (Socket client = Streams.connect(port)) {
        assertThat(Streams.closedByPeer(client)).isTrue();
      }
      gateway.awaitAccessLine("connect_failed");
    }
  }
}
