package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.KeyFormat;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the Netty-level path of a plain http listener ({@link PlainHttpListener}) does on its own:
 * pipelining, HTTP/1.0 clients, reuse of target connections, https pools through the pool's
 * {@code BackendTls}, moving to and from the Vert.x path when the listener's shape changes, and h2c
 * streams forwarded side by side (bodies, an upgrade with a body, draining). The rest of its behaviour
 * is the shared HTTP test classes' (which run on both paths) and {@link H2cListenerTest}'s.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlainHttpListenerTest {

  @TempDir Path dir;
  private final int port = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  private HttpBackend app;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    app = HttpBackend.start("app");
    gateway = Gateway.start();
    gateway.healthy("app", app.address());
  }

  @AfterEach
  void stop() throws Exception {
    await(clientVertx.close());
    gateway.close();
    app.close();
  }

  private void apply(JsonObject listener, JsonObject pool) throws Exception {
    gateway.apply(new JsonObject().put("listeners", new JsonArray().add(listener)).put("pools", new JsonArray().add(pool)));
  }

  /** Writes {@code request} on a new connection and reads until the gateway closes it. */
  private String exchange(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0; ) all.write(buf, 0, n);
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", app.address()));
    String answer = exchange("GET /one HTTP/1.1\r\nhost: a\r\n\r\n"
        + "POST /two HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\n\r\nhello"
        + "GET /three HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n");
    int one = answer.indexOf("\"uri\":\"/one\"");
    int two = answer.indexOf("\"uri\":\"/two\"");
    int three = answer.indexOf("\"uri\":\"/three\"");
    assertThat(one).isPositive();
    assertThat(two).isGreaterThan(one);
    assertThat(three).isGreaterThan(two);
    assertThat(answer).contains("\"body\":\"hello\"");
    assertThat(answer.split("HTTP/1.1 200 OK", -1)).hasSize(4);
    // The target's header names reach the client in the case it wrote them.
    assertThat(answer).contains("\r\nContent-Type: application/json\r\n").contains("\r\nx-backend: app\r\n");
  }

  @Test
  void http10ClientsAreAnsweredInTheirVersionAndClosedUnlessTheyAskToKeepAlive() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", app.address()));
    String closed = exchange("GET /old HTTP/1.0\r\n\r\n");
    assertThat(closed).startsWith("HTTP/1.0 200 OK").contains("\"uri\":\"/old\"");
    assertThat(closed.toLowerCase()).contains("connection: close");

    // keep-alive asked: the connection stays for a second request, which closes it
    String kept = exchange("GET /a HTTP/1.0\r\nconnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
    assertThat(kept.toLowerCase()).contains("connection: keep-alive");
    assertThat(kept).contains("\"uri\":\"/a\"").contains("\"uri\":\"/b\"");
  }

  @Test
  void targetConnectionsAreKeptAliveAndReused() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", app.address()));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      for (int i = 0; i < 20; i++) {
        socket.getOutputStream().write(("GET /n" + i + " HTTP/1.1\r\nhost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").contains("/n" + i);
      }
    }
    Set<Integer> ports = new HashSet<>();
    app.seen().forEach(s -> ports.add(s.getInteger("remotePort")));
    // One client connection, one request at a time: one target connection carried them all.
    assertThat(ports).hasSize(1);
  }

  @Test
  void idleConnectionsToATargetRemovedFromItsPoolAreClosed() throws Exception {
    try (HttpBackend other = HttpBackend.start("other")) {
      gateway.healthy("app", app.address(), other.address());
      JsonObject listener = httpListener("web", port, new JsonArray().add(route("app")));
      apply(listener, httpPool("app", app.address(), other.address()));
      HttpClient client = clientVertx.createHttpClient();
      for (int i = 0; i < 4; i++) {
        int status = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(r -> r.send())
            .map(r -> r.statusCode()));
        assertThat(status).isEqualTo(200);
      }
      assertThat(other.seen()).isNotEmpty();
      assertThat(other.openConnections()).isPositive();

      // Only the pool's targets change (its connection settings do not): the kept-alive connections
      // to the target that left close, those to the one that stays are kept.
      int toApp = app.openConnections();
      apply(listener, httpPool("app", app.address()));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
          .until(() -> other.openConnections() == 0);
      assertThat(app.openConnections()).isEqualTo(toApp);
    }
  }

  @Test
  void aHeadResponseHasNoBodyAndTheConnectionsCarryOn() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", app.address()));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      out.write("HEAD /h HTTP/1.1\r\nhost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) head.write(in.read());
      assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
      // The next response starts right after the head: nothing was taken for a body on either side.
      out.write("GET /after HTTP/1.1\r\nhost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("\"uri\":\"/after\"");
    }
    assertThat(app.seen()).extracting(s -> s.getString("method")).containsExactly("HEAD", "GET");
  }

  /** One response with a Content-Length, read whole. */
  private static String readResponse(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new java.io.EOFException("closed in the response head");
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
    }
    return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  @Test
  void anHttpsPoolIsReachedOverVerifiedTls() throws Exception {
    TestPki pki = TestPki.create("test-ca");
    TestPki.write(pki.issue("localhost"), dir.resolve("target.pem"), dir.resolve("target-key.pem"), KeyFormat.PKCS8);
    pki.writeCa(dir.resolve("ca.pem"));
    try (HttpBackend secure = HttpBackend.start("secure", new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve("target.pem").toString())
            .setKeyPath(dir.resolve("target-key.pem").toString())))) {
      String target = "localhost:" + secure.port();
      gateway.healthy("secure", target);
      JsonObject pool = httpPool("secure", target).put("protocol", "https")
          .put("tls", new JsonObject().put("trustCa", "ca"));
      JsonArray certificates = new JsonArray().add(new JsonObject().put("name", "ca").put("ca", dir.resolve("ca.pem").toString()));
      JsonObject listener = httpListener("web", port, new JsonArray().add(route("secure")));
      gateway.apply(new JsonObject().put("certificates", certificates).put("listeners", new JsonArray().add(listener))
          .put("pools", new JsonArray().add(pool)));
      HttpClient client = clientVertx.createHttpClient();
      JsonObject seen = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/tls").compose(r -> r.send())
          .compose(r -> r.body().map(b -> new JsonObject(b.toString()))));
      assertThat(seen.getBoolean("ssl")).isTrue();
      assertThat(seen.getString("uri")).isEqualTo("/tls");

      // A certificate not for the name verified: no connection, 502.
      gateway.apply(new JsonObject().put("certificates", certificates).put("listeners", new JsonArray().add(listener))
          .put("pools", new JsonArray().add(pool.copy().put("tls", new JsonObject().put("trustCa", "ca")
              .put("sni", "other.example.com")))));
      int status = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(r -> r.send())
          .map(r -> r.statusCode()));
      assertThat(status).isEqualTo(502);
    }
  }

  @Test
  void aRouteToAnHttp2PoolMovesTheListenerToVertxAndBack() throws Exception {
    JsonObject pool = httpPool("app", app.address());
    JsonObject h2Pool = httpPool("h2", app.address()).put("version", 2);
    JsonArray routes = new JsonArray().add(route("app"));
    HttpClient h1 = clientVertx.createHttpClient();
    gateway.healthy("h2", app.address());

    gateway.apply(new JsonObject().put("listeners", new JsonArray().add(httpListener("web", port,
            new JsonArray().add(route("h2").put("hosts", new JsonArray().add("h2.example.com"))).add(route("app")))))
        .put("pools", new JsonArray().add(pool).add(h2Pool)));
    String version = await(h1.request(new RequestOptions().setPort(port).setHost("127.0.0.1").setURI("/")
        .putHeader("host", "h2.example.com")).compose(r -> r.send())
        .compose(r -> r.body().map(b -> new JsonObject(b.toString()).getString("version"))));
    assertThat(version).isEqualTo("HTTP_2");

    apply(httpListener("web", port, routes), pool);
    // A new client: the old server closes its idle kept-alive connections as it drains, and a client that
    // picks its pooled one just then sees it closed (the usual keep-alive race, not what this test is about).
    HttpClient fresh = clientVertx.createHttpClient();
    int status = await(fresh.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(r -> r.send())
        .map(r -> r.statusCode()));
    assertThat(status).isEqualTo(200);
    // Without h2c the HTTP/2 preface is refused, not forwarded.
    assertThat(exchange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).startsWith("HTTP/1.1 505");
    assertThat(app.seen()).noneMatch(s -> "PRI".equals(s.getString("method")));
  }

  private HttpClient h2c() {
    return clientVertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @Test
  void theStreamsOfOneH2cConnectionAreForwardedSideBySide() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))).put("http2", true), httpPool("app", app.address()));
    HttpClient client = h2c();
    List<Future<HttpVersion>> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      all.add(client.request(HttpMethod.GET, port, "127.0.0.1", "/slow?ms=300&n=" + i).compose(r -> r.send())
          .compose(r -> r.body().map(b -> r.statusCode() == 200 ? r.version() : null)));
    }
    List<HttpVersion> versions = await(Future.all(all)).list();
    assertThat(versions).hasSize(30).containsOnly(HttpVersion.HTTP_2);
    assertThat(app.seen()).hasSize(30).allMatch(s -> "HTTP_1_1".equals(s.getString("version")));
    // One client connection, its streams in flight together: several kept-alive target connections.
    Set<Integer> ports = new HashSet<>();
    app.seen().forEach(s -> ports.add(s.getInteger("remotePort")));
    assertThat(ports.size()).isGreaterThan(1);
    JsonObject line = gateway.awaitAccessLine(l -> "/slow".equals(l.getString("path")));
    assertThat(line.getString("protocol")).isEqualTo("HTTP/2");
    assertThat(line.getString("termination")).isEqualTo("complete");
  }

  @Test
  void h2cRequestBodiesOfKnownAndUnannouncedLengthReachTheTarget() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))).put("http2", true), httpPool("app", app.address()));
    HttpClient client = h2c();
    JsonObject known = await(client.request(HttpMethod.POST, port, "127.0.0.1", "/known")
        .compose(r -> r.send("sized body")).compose(r -> r.body().map(b -> new JsonObject(b.toString()))));
    assertThat(known.getString("body")).isEqualTo("sized body");
    assertThat(known.getJsonObject("headers").getString("content-length")).isEqualTo("10");
    JsonObject streamed = await(client.request(HttpMethod.PUT, port, "127.0.0.1", "/streamed").compose(r -> {
      r.setChunked(true);
      r.write("in ");
      r.write("three ");
      return r.end("parts").compose(v -> r.response());
    }).compose(r -> r.body().map(b -> new JsonObject(b.toString()))));
    assertThat(streamed.getString("body")).isEqualTo("in three parts");
    assertThat(streamed.getJsonObject("headers").getString("transfer-encoding")).isEqualTo("chunked");
  }

  @Test
  void anH2cUploadAnsweredBeforeItsEndIsReadToItsEndNotReset() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app").put("pathPrefix", "/app"))).put("http2", true),
        httpPool("app", app.address()));
    HttpClient client = h2c();
    HttpClientRequest upload = await(client.request(HttpMethod.POST, port, "127.0.0.1", "/nowhere"));
    upload.setChunked(true);
    upload.write("first part, ");
    // No route: the gateway answers 404 while the upload is still coming.
    HttpClientResponse response = await(upload.response());
    assertThat(response.statusCode()).isEqualTo(404);
    // The rest of the body is read and dropped: the stream ends cleanly, not with a reset.
    await(upload.end("the rest"));
    await(response.body());
    JsonObject line = gateway.awaitAccessLine(l -> "/nowhere".equals(l.getString("path")));
    assertThat(line.getString("protocol")).isEqualTo("HTTP/2");
    assertThat(line.getInteger("status")).isEqualTo(404);
  }

  @Test
  void anH2cUpgradeRequestWithABodyGoesOnAsStreamOne() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))).put("http2", true), httpPool("app", app.address()));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST /up HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nContent-Length: 7\r\n\r\nupgrade")
          .getBytes(StandardCharsets.ISO_8859_1));
      byte[] switching = socket.getInputStream().readNBytes("HTTP/1.1 101".length());
      assertThat(new String(switching, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 101");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> !app.seen().isEmpty());
    }
    JsonObject line = gateway.awaitAccessLine(l -> "/up".equals(l.getString("path")));
    assertThat(line.getString("protocol")).isEqualTo("HTTP/2");
    assertThat(line.getLong("bytesIn")).isEqualTo(7);
  }

  @Test
  void aRemovedH2cListenerLetsItsStreamsInFlightFinish() throws Exception {
    int other = Ports.free();
    JsonObject pool = httpPool("app", app.address());
    JsonObject more = httpListener("more", other, new JsonArray().add(route("app")));
    gateway.apply(new JsonObject().put("pools", new JsonArray().add(pool)).put("listeners", new JsonArray()
        .add(httpListener("web", port, new JsonArray().add(route("app"))).put("http2", true)).add(more)));
    HttpClient client = h2c();
    Future<Integer> inFlight = client.request(HttpMethod.GET, port, "127.0.0.1", "/slow?ms=1500").compose(r -> r.send())
        .compose(r -> r.body().map(b -> r.statusCode()));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !app.seen().isEmpty());

    apply(more, pool);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return false;
      } catch (java.io.IOException e) {
        return true;
      }
    });
    assertThat(await(inFlight)).isEqualTo(200);
  }
}
