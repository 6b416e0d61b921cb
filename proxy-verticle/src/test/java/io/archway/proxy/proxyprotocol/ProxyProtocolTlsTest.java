package io.archway.proxy.proxyprotocol;

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
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The PROXY header around TLS: before the handshake to a TLS target, and before a client's ClientHello. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolTlsTest {

  static TestPki pki;
  static Issued server;
  @TempDir Path dir;
  private final int port = Ports.free();
  private Gateway gateway;

  @BeforeAll
  static void pki() throws Exception {
    pki = TestPki.create("proxy-ca");
    server = pki.issue("backend.internal", "localhost");
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) gateway.close();
  }

  @Test
  void aTlsPoolSendsTheHeaderInClearBeforeItsHandshake() throws Exception {
    SSLContext serverCtx = TlsClients.context(pki.ca(), server);
    try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + target.getLocalPort();
      CompletableFuture<String> header = new CompletableFuture<>();
      Thread backend = new Thread(() -> {
        try (Socket raw = target.accept()) {
          header.complete(readLine(raw.getInputStream()));
          // Only then TLS, on the same connection.
          SSLSocket tls = (SSLSocket) serverCtx.getSocketFactory().createSocket(raw, raw.getInputStream(), true);
          tls.setUseClientMode(false);
          tls.startHandshake();
          tls.getOutputStream().write("T\n".getBytes(StandardCharsets.US_ASCII));
          tls.getOutputStream().flush();
          tls.getInputStream().read();
        } catch (Exception e) {
          header.completeExceptionally(e);
        }
      });
      backend.setDaemon(true);
      backend.start();

      gateway = Gateway.start();
      gateway.healthy("p", address);
      pki.writeCa(dir.resolve("ca.pem"));
      gateway.apply(new JsonObject()
          .put("certificates", new JsonArray()
              .add(new JsonObject().put("name", "ca").put("ca", dir.resolve("ca.pem").toString())))
          .put("listeners", new JsonArray().add(listener("l", port, "p")))
          .put("pools", new JsonArray().add(pool("p", address).put("protocol", "tls").put("proxyProtocol", "v1")
              .put("retries", 0).put("tls", new JsonObject().put("trustCa", "ca").put("sni", "backend.internal")))));

      try (Socket client = Streams.connect(port)) {
        assertThat(readLine(client.getInputStream())).isEqualTo("T");
        assertThat(header.get(10, TimeUnit.SECONDS))
            .isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 " + client.getLocalPort() + " " + port);
      }
    }
  }

  @Test
  void aTlsListenerReadsTheHeaderBeforeTheClientHello() throws Exception {
    Path cert = dir.resolve("web.pem");
    Path key = dir.resolve("web-key.pem");
    Issued web = pki.issue("web.example.com");
    TestPki.write(web, cert, key, KeyFormat.PKCS8);
    try (TcpBackend backend = TcpBackend.banner("hi\n")) {
      gateway = Gateway.start();
      gateway.healthy("p", backend.address());
      gateway.apply(new JsonObject()
          .put("certificates", new JsonArray()
              .add(new JsonObject().put("name", "web").put("cert", cert.toString()).put("key", key.toString())))
          .put("listeners", new JsonArray().add(listener("l", port, "p").put("protocol", "tls")
              .put("acceptProxyProtocol", true)
              .put("tls", new JsonObject().put("certificates", new JsonArray().add("web")))))
          .put("pools", new JsonArray().add(pool("p", backend.address()))));

      Socket raw = Streams.connect(port);
      raw.getOutputStream().write("PROXY TCP4 203.0.113.9 198.51.100.2 1111 443\r\n".getBytes(StandardCharsets.US_ASCII));
      SSLSocket tls = (SSLSocket) TlsClients.context(pki.ca(), null).getSocketFactory()
          .createSocket(raw, "localhost", port, true);
      SSLParameters params = tls.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName("web.example.com")));
      tls.setSSLParameters(params);
      try (tls) {
        tls.startHandshake();
        assertThat(readLine(tls.getInputStream())).isEqualTo("hi");
      }
      JsonObject line = gateway.awaitAccessLine(l -> true);
      assertThat(line.getString("client")).isEqualTo("203.0.113.9:1111");
      assertThat(line.getJsonObject("tls").getString("sni")).isEqualTo("web.example.com");
    }
  }

  private static String readLine(InputStream in) throws Exception {
    StringBuilder s = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) s.append((char) c);
    return s.toString().replace("\r", "");
  }
}
