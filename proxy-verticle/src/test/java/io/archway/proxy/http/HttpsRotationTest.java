package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.archway.core.testing.TestPki.KeyFormat;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
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

/** An https listener serves new certificate files behind the same paths to new handshakes. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpsRotationTest {

  @TempDir Path dir;
  private final int port = Ports.free();
  private TestPki pki;

  @Test
  void newFilesBehindTheSamePathsServeNewHandshakes() throws Exception {
    pki = TestPki.create("rotation-ca");
    Issued first = pki.issue("web.example.com");
    Issued second = pki.issue("web.example.com");
    Path cert = dir.resolve("web.pem");
    Path key = dir.resolve("web-key.pem");
    TestPki.write(first, cert, key, KeyFormat.PKCS8);
    try (HttpBackend app = HttpBackend.start("app"); Gateway gateway = Gateway.start()) {
      serveHttps(gateway, app, cert, key);
      assertThat(serial()).isEqualTo(first.cert().getSerialNumber());

      TestPki.write(second, cert, key, KeyFormat.PKCS8);
      Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
          .until(() -> serial().equals(second.cert().getSerialNumber()));
    }
  }

  /** Vert.x's PEM reader, which serves https listeners, does not know SEC1 EC keys; the listener still serves one. */
  @Test
  void anEcKeyInItsSec1FormServes() throws Exception {
    pki = TestPki.create("ec-ca");
    Issued ec = pki.issueEc("web.example.com");
    Path cert = dir.resolve("ec.pem");
    Path key = dir.resolve("ec-key.pem");
    TestPki.write(ec, cert, key, KeyFormat.TRADITIONAL);
    assertThat(java.nio.file.Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    try (HttpBackend app = HttpBackend.start("app"); Gateway gateway = Gateway.start()) {
      serveHttps(gateway, app, cert, key);
      assertThat(serial()).isEqualTo(ec.cert().getSerialNumber());
    }
  }

  /** An https listener with the one certificate entry {@code cert} and {@code key}, in front of {@code app}. */
  private void serveHttps(Gateway gateway, HttpBackend app, Path cert, Path key) throws Exception {
    gateway.healthy("app", app.address());
    gateway.apply(new JsonObject()
        .put("certificates", new JsonArray().add(new JsonObject().put("name", "web")
            .put("cert", cert.toString()).put("key", key.toString())))
        .put("listeners", new JsonArray().add(httpListener("web", port, new JsonArray().add(route("app")))
            .put("protocol", "https").put("tls", new JsonObject().put("certificates", new JsonArray().add("web")))))
        .put("pools", new JsonArray().add(httpPool("app", app.address()))));
  }

  /** A fresh client context each time, so that no resumed session replays the old certificate. */
  private BigInteger serial() throws Exception {
    SSLContext fresh = TlsClients.context(pki.ca(), null);
    try (SSLSocket s = TlsClients.connect(fresh, port, "web.example.com")) {
      return TlsClients.peer(s).getSerialNumber();
    }
  }
}
