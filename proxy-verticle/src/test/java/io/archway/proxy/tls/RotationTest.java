package io.archway.proxy.tls;

import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RotationTest {

  @TempDir Path dir;
  private TestPki pki;
  private final int port = Ports.free();

  private JsonObject config(String backend, String certName, Path cert, Path key) {
    return new JsonObject()
        .put("certificates", new JsonArray().add(new JsonObject().put("name", certName)
            .put("cert", cert.toString()).put("key", key.toString())))
        .put("listeners", new JsonArray().add(listener("s", port, "p").put("protocol", "tls")
            .put("tls", new JsonObject().put("certificates", new JsonArray().add(certName)))))
        .put("pools", new JsonArray().add(pool("p", backend)));
  }

  static java.util.List<String> engines() {
    return Engines.all();
  }

  @org.junit.jupiter.api.AfterEach
  void resetEngine() {
    Engines.reset();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "engine {0}")
  @org.junit.jupiter.params.provider.MethodSource("engines")
  void newFilesBehindTheSamePathsServeNewHandshakesAndOpenConnectionsCarryOn(String engine) throws Exception {
    Engines.use(engine);
    pki = TestPki.create("rotation-ca");
    Issued first = pki.issue("web.example.com");
    Issued second = pki.issue("web.example.com");
    Path cert = dir.resolve("web.pem");
    Path key = dir.resolve("web-key.pem");
    TestPki.write(first, cert, key, KeyFormat.PKCS8);
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    try (TcpBackend backend = TcpBackend.echo(); Gateway gateway = Gateway.start()) {
      gateway.healthy("p", backend.address());
      gateway.apply(config(backend.address(), "web", cert, key));
      try (SSLSocket open = TlsClients.connect(ctx, port, "web.example.com")) {
        assertThat(serial(ctx)).isEqualTo(first.cert().getSerialNumber());

        TestPki.write(second, cert, key, KeyFormat.PKCS8);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
            .until(() -> serial(ctx).equals(second.cert().getSerialNumber()));

        Streams.write(open.getOutputStream(), "still here");
        assertThat(Streams.read(open.getInputStream(), 10)).isEqualTo("still here");
        assertThat(TlsClients.peer(open).getSerialNumber()).isEqualTo(first.cert().getSerialNumber());
      }
    }
  }

  @Test
  void aConfigNamingOtherFilesServesThemToNewHandshakes() throws Exception {
    pki = TestPki.create("rotation-ca");
    Issued first = pki.issue("web.example.com");
    Issued second = pki.issue("web.example.com");
    TestPki.write(first, dir.resolve("a.pem"), dir.resolve("a-key.pem"), KeyFormat.PKCS8);
    TestPki.write(second, dir.resolve("b.pem"), dir.resolve("b-key.pem"), KeyFormat.TRADITIONAL);
    SSLContext ctx = TlsClients.context(pki.ca(), null);
    try (TcpBackend backend = TcpBackend.echo(); Gateway gateway = Gateway.start()) {
      gateway.healthy("p", backend.address());
      gateway.apply(config(backend.address(), "web", dir.resolve("a.pem"), dir.resolve("a-key.pem")));
      try (SSLSocket open = TlsClients.connect(ctx, port, "web.example.com")) {
        gateway.apply(config(backend.address(), "web-2", dir.resolve("b.pem"), dir.resolve("b-key.pem")));
        assertThat(serial(ctx)).isEqualTo(second.cert().getSerialNumber());
        Streams.write(open.getOutputStream(), "ping");
        assertThat(Streams.read(open.getInputStream(), 4)).isEqualTo("ping");
      }
    }
  }

  /** A fresh client context each time, so that no resumed session replays the old certificate. */
  private BigInteger serial(SSLContext trusting) throws Exception {
    SSLContext fresh = TlsClients.context(pki.ca(), null);
    try (SSLSocket s = TlsClients.connect(fresh, port, "web.example.com")) {
      return TlsClients.peer(s).getSerialNumber();
    }
  }
}
