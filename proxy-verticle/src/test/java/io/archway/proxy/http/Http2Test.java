package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.archway.core.testing.TestPki.KeyFormat;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/2 from clients (h2 by ALPN on https, h2c on http) and to targets (h2c, and h2 over re-encrypted TLS). */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2Test {

  static TestPki pki;
  static Issued web;
  static Issued target;
  @TempDir Path dir;
  private final int port = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  private HttpBackend app;
  private Gateway gateway;

  /** What the client saw and what the target saw. */
  record Seen(HttpVersion clientVersion, int status, JsonObject backend) {}

  @BeforeAll
  static void pki() throws Exception {
    pki = TestPki.create("test-ca");
    web = pki.issue("web.example.com");
    target = pki.issue("localhost");
  }

  @BeforeEach
  void start() throws Exception {
    gateway = Gateway.start();
    TestPki.write(web, dir.resolve("web.pem"), dir.resolve("web-key.pem"), KeyFormat.PKCS8);
    TestPki.write(target, dir.resolve("target.pem"), dir.resolve("target-key.pem"), KeyFormat.PKCS8);
    pki.writeCa(dir.resolve("ca.pem"));
  }

  @AfterEach
  void stop() throws Exception {
    await(clientVertx.close());
    gateway.close();
    if (app != null) app.close();
  }

  private JsonArray certificates() {
    return new JsonArray()
        .add(new JsonObject().put("name", "web").put("cert", dir.resolve("web.pem").toString())
            .put("key", dir.resolve("web-key.pem").toString()))
        .add(new JsonObject().put("name", "ca").put("ca", dir.resolve("ca.pem").toString()));
  }

  private void apply(JsonObject listener, JsonObject pool) throws Exception {
    gateway.healthy(pool.getString("name"), app.address());
    gateway.apply(new JsonObject().put("certificates", certificates())
        .put("listeners", new JsonArray().add(listener)).put("pools", new JsonArray().add(pool)));
  }

  private Seen send(HttpClientOptions options, String host, String body) throws Exception {
    HttpClient client = clientVertx.createHttpClient(options);
    RequestOptions request = new RequestOptions().setHost(host).setPort(port).setURI("/hello")
        .setMethod(body == null ? HttpMethod.GET : HttpMethod.POST)
        .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, "127.0.0.1"));
    return await(client.request(request).compose(req -> (body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Seen(resp.version(), resp.statusCode(), new JsonObject(b.toString()))))));
  }

  private HttpClientOptions h2Tls() {
    return new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true).setForceSni(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("ca.pem").toString()));
  }

  @Test
  void httpsListenerSpeaksH2ByAlpnAndHttp11ToOldClients() throws Exception {
    app = HttpBackend.start("app");
    JsonObject listener = httpListener("web", port, new JsonArray().add(route("app"))).put("protocol", "https")
        .put("tls", new JsonObject().put("certificates", new JsonArray().add("web")));
    apply(listener, httpPool("app", app.address()));

    Seen h2 = send(h2Tls(), "web.example.com", "ping");
    assertThat(h2.clientVersion()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(h2.backend().getString("version")).isEqualTo("HTTP_1_1");
    assertThat(h2.backend().getString("body")).isEqualTo("ping");
    assertThat(h2.backend().getJsonObject("headers").getString("x-forwarded-proto")).isEqualTo("https");
    assertThat(h2.backend().getJsonObject("headers").getString("host")).isEqualTo("web.example.com:" + port);

    Seen h1 = send(h2Tls().setProtocolVersion(HttpVersion.HTTP_1_1), "web.example.com", null);
    assertThat(h1.clientVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    JsonObject line = gateway.awaitAccessLine(l -> "HTTP/2".equals(l.getString("protocol")));
    assertThat(line.getJsonObject("tls").getString("sni")).isEqualTo("web.example.com");
    assertThat(line.getJsonObject("tls").getString("protocol")).startsWith("TLSv1.");
  }

  @Test
  void theAffinityCookieIsSecureOnHttps() throws Exception {
    app = HttpBackend.start("app");
    JsonObject listener = httpListener("web", port, new JsonArray().add(route("app"))).put("protocol", "https")
        .put("tls", new JsonObject().put("certificates", new JsonArray().add("web")));
    apply(listener, httpPool("app", app.address()).put("affinity", "cookie"));
    HttpClient client = clientVertx.createHttpClient(h2Tls());
    RequestOptions request = new RequestOptions().setHost("web.example.com").setPort(port).setURI("/")
        .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, "127.0.0.1"));
    String cookie = await(client.request(request).compose(req -> req.send()
        .compose(resp -> resp.body().map(b -> resp.getHeader("set-cookie")))));
    assertThat(cookie).startsWith("archway-target=").contains("Secure").containsIgnoringCase("HttpOnly");
  }

  @Test
  void httpListenerTakesPriorKnowledgeH2cWhenEnabledAndStillHttp11() throws Exception {
    app = HttpBackend.start("app");
    apply(httpListener("web", port, new JsonArray().add(route("app"))).put("http2", true), httpPool("app", app.address()));

    Seen h2c = send(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false),
        "web.example.com", "over h2c");
    assertThat(h2c.clientVersion()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(h2c.backend().getString("body")).isEqualTo("over h2c");
    Seen h1 = send(new HttpClientOptions(), "web.example.com", "over h1");
    assertThat(h1.clientVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(h1.backend().getString("body")).isEqualTo("over h1");
  }

  @Test
  void anErrorPageOverHttp2IsLoggedWithItsCauseNotAsComplete() throws Exception {
    // Sending the page ends the client's HTTP/2 stream at once: the log must still say why it was sent.
    String refusing = "127.0.0.1:" + io.archway.core.testing.Ports.closed();
    gateway.healthy("app", refusing);
    gateway.apply(new JsonObject().put("listeners", new JsonArray()
            .add(httpListener("web", port, new JsonArray().add(route("app"))).put("http2", true)))
        .put("pools", new JsonArray().add(httpPool("app", refusing))));
    HttpClient client = clientVertx.createHttpClient(
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    int status = await(client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
    assertThat(status).isEqualTo(502);
    JsonObject line = gateway.awaitAccessLine(l -> "HTTP/2".equals(l.getString("protocol")));
    assertThat(line.getString("termination")).isEqualTo("connect_failed");
    assertThat(line.getInteger("status")).isEqualTo(502);
  }

  @Test
  void poolVersion2SpeaksH2cToItsTargets() throws Exception {
    app = HttpBackend.start("app");
    apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", app.address()).put("version", 2));
    Seen seen = send(new HttpClientOptions(), "web.example.com", "to h2");
    assertThat(seen.clientVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(seen.backend().getString("version")).isEqualTo("HTTP_2");
    assertThat(seen.backend().getString("body")).isEqualTo("to h2");
  }

  /** The pool's client certificate has its key in SEC1 form, which Vert.x's PEM reader does not know. */
  @Test
  void httpsPoolPresentsAClientCertificateWithAnEcKeyInSec1Form() throws Exception {
    Issued client = pki.issueEc("gateway.example.com");
    TestPki.write(client, dir.resolve("client.pem"), dir.resolve("client-key.pem"), KeyFormat.TRADITIONAL);
    app = HttpBackend.start("app", new HttpServerOptions().setSsl(true).setUseAlpn(true)
        .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED)
        .setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("ca.pem").toString()))
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve("target.pem").toString())
            .setKeyPath(dir.resolve("target-key.pem").toString())));
    JsonObject pool = httpPool("app", "localhost:" + app.port()).put("protocol", "https").put("version", 2)
        .put("tls", new JsonObject().put("trustCa", "ca").put("certificate", "client"));
    gateway.healthy("app", "localhost:" + app.port());
    gateway.apply(new JsonObject()
        .put("certificates", certificates().add(new JsonObject().put("name", "client")
            .put("cert", dir.resolve("client.pem").toString()).put("key", dir.resolve("client-key.pem").toString())))
        .put("listeners", new JsonArray().add(httpListener("web", port, new JsonArray().add(route("app")))))
        .put("pools", new JsonArray().add(pool)));
    Seen seen = send(new HttpClientOptions(), "web.example.com", null);
    assertThat(seen.status()).isEqualTo(200);
    assertThat(seen.backend().getBoolean("ssl")).isTrue();
  }

  @Test
  void httpsPoolReEncryptsAndVerifiesTheTarget() throws Exception {
    app = HttpBackend.start("app", new HttpServerOptions().setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve("target.pem").toString())
            .setKeyPath(dir.resolve("target-key.pem").toString())));
    JsonObject pool = httpPool("app", "localhost:" + app.port()).put("protocol", "https").put("version", 2)
        .put("tls", new JsonObject().put("trustCa", "ca"));
    gateway.healthy("app", "localhost:" + app.port());
    gateway.apply(new JsonObject().put("certificates", certificates())
        .put("listeners", new JsonArray().add(httpListener("web", port, new JsonArray().add(route("app")))))
        .put("pools", new JsonArray().add(pool)));
    Seen seen = send(new HttpClientOptions(), "web.example.com", null);
    assertThat(seen.status()).isEqualTo(200);
    assertThat(seen.backend().getBoolean("ssl")).isTrue();
    assertThat(seen.backend().getString("version")).isEqualTo("HTTP_2");

    // A target whose certificate is not for the name verified: no connection, 502.
    gateway.apply(new JsonObject().put("certificates", certificates())
        .put("listeners", new JsonArray().add(httpListener("web", port, new JsonArray().add(route("app")))))
        .put("pools", new JsonArray().add(pool.copy().put("tls", new JsonObject().put("trustCa", "ca")
            .put("sni", "other.example.com")))));
    HttpClient client = clientVertx.createHttpClient();
    int status = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(r -> r.send())
        .map(r -> r.statusCode()));
    assertThat(status).isEqualTo(502);
  }
}
