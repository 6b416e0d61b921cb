package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static io.archway.proxy.http.SmugglingTest.readResponse;
import static io.archway.proxy.http.SmugglingTest.readToEnd;
import static io.archway.proxy.http.SmugglingTest.write;
import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An {@code http} listener with {@code http2: true} speaks h2c (prior knowledge and {@code Upgrade}) and
 * HTTP/1.1, with the strict request decoder in place however the first bytes arrive: here on the
 * Netty-level path ({@link H2cPreface} before the strict decoder), in {@link H2cListenerVertxPathTest}
 * on Vert.x's server ({@link FirstBytes} at the head of its connections).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class H2cListenerTest {

  final int port = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  HttpBackend app;
  Gateway gateway;

  /** What the client saw and what the target saw. */
  record Seen(HttpVersion clientVersion, int status, JsonObject backend) {}

  private void start(Gateway gateway) throws Exception {
    this.gateway = gateway;
    app = HttpBackend.start("app");
    gateway.healthy("app", app.address());
    gateway.apply(config());
  }

  /** The config as this class runs it: on the Netty-level path here, on Vert.x's in the subclass. */
  JsonObject config() {
    return new JsonObject()
        .put("listeners", new JsonArray().add(httpListener("h2c", port, new JsonArray().add(route("app"))).put("http2", true)))
        .put("pools", new JsonArray().add(httpPool("app", app.address())));
  }

  @AfterEach
  void stop() throws Exception {
    await(clientVertx.close());
    if (gateway != null) gateway.close();
    if (app != null) app.close();
  }

  private Seen send(HttpClient client, HttpMethod method, String body) throws Exception {
    RequestOptions request = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/hello").setMethod(method);
    return await(client.request(request).compose(req -> (body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Seen(resp.version(), resp.statusCode(), new JsonObject(b.toString()))))));
  }

  @Test
  void priorKnowledgeH2cIsProxied() throws Exception {
    start(Gateway.start());
    HttpClient client = clientVertx.createHttpClient(
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    for (int i = 0; i < 3; i++) {
      Seen seen = send(client, HttpMethod.POST, "over h2c " + i);
      assertThat(seen.clientVersion()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(seen.status()).isEqualTo(200);
      assertThat(seen.backend().getString("body")).isEqualTo("over h2c " + i);
    }
  }

  @Test
  void upgradeToH2cIsProxied() throws Exception {
    start(Gateway.start());
    HttpClient client = clientVertx.createHttpClient(
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(true));
    Seen first = send(client, HttpMethod.GET, null);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.clientVersion()).isEqualTo(HttpVersion.HTTP_2);
    Seen second = send(client, HttpMethod.POST, "after the upgrade");
    assertThat(second.clientVersion()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(second.backend().getString("body")).isEqualTo("after the upgrade");
  }

  @Test
  void upgradeToH2cByHandIsProxied() throws Exception {
    start(Gateway.start());
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      write(socket, "GET /up HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
          + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
      byte[] switching = socket.getInputStream().readNBytes("HTTP/1.1 101".length());
      assertThat(new String(switching, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 101");
      // The request goes on as stream 1 of the HTTP/2 connection.
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !app.seen().isEmpty());
    }
    assertThat(app.seen()).extracting(s -> s.getString("uri")).containsExactly("/up");
  }

  @Test
  void http11KeepAliveRequestsOfEveryMethodAreProxied() throws Exception {
    start(Gateway.start());
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      write(socket, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200").contains("\"uri\":\"/a\"");
      for (String method : List.of("POST", "PUT", "PATCH")) {
        write(socket, method + " /" + method + " HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(readResponse(socket)).startsWith("HTTP/1.1 200").contains("\"body\":\"hello\"");
      }
      write(socket, "GET /z HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertThat(readToEnd(socket)).startsWith("HTTP/1.1 200").contains("\"uri\":\"/z\"").doesNotContain("<still open>");
    }
    assertThat(app.seen()).extracting(s -> s.getString("method")).containsExactly("GET", "POST", "PUT", "PATCH", "GET");
  }

  @Test
  void firstRequestsBeginningWithEachMethodAreProxied() throws Exception {
    start(Gateway.start());
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "PROPFIND")) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(5_000);
        write(socket, method + " /first HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        String answer = readToEnd(socket);
        assertThat(answer).as(method).startsWith("HTTP/1.1 200").contains("\"method\":\"" + method + "\"")
            .contains("\"body\":\"ok\"");
      }
    }
  }

  /** "P" and "PR" match the start of the HTTP/2 preface: the decision waits for later writes. */
  @Test
  void aFirstRequestSplitIntoTinyWritesIsProxied() throws Exception {
    start(Gateway.start());
    String[][] splits = {
        {"P", "OST /upload HTTP/1.1\r\nHost: a\r\n", "Transfer-Encoding: chunked\r\n\r\n5\r\nhel", "lo\r\n0\r\n\r\n"},
        {"PR", "OPFIND /dav HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"},
        {"G", "E", "T", " /g HTTP/1.1\r\nHost: a\r\n\r\n"},
    };
    for (String[] parts : splits) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        for (String part : parts) {
          write(socket, part);
          Thread.sleep(20);
        }
        assertThat(readResponse(socket)).as(parts[0] + parts[1]).startsWith("HTTP/1.1 200");
        // The connection stays usable.
        write(socket, "GET /again HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(readResponse(socket)).startsWith("HTTP/1.1 200").contains("\"uri\":\"/again\"");
      }
    }
    assertThat(app.seen()).extracting(s -> s.getString("method") + " " + s.getString("uri"))
        .containsExactly("POST /upload", "GET /again", "PROPFIND /dav", "GET /again", "GET /g", "GET /again");
  }

  /** A client that leaves in the middle of the preface, or of the guard's bytes, leaks nothing (LeakCheck). */
  @Test
  void aClientLeavingMidPrefaceLeavesTheListenerWorking() throws Exception {
    start(Gateway.start());
    for (String partial : List.of("PRI * HTTP/2.0\r\n", "PRI", "P")) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        write(socket, partial);
        Thread.sleep(20);
      }
    }
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      write(socket, "GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertThat(readToEnd(socket)).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void onNativeTransportTheFirstRequestIsGuardedToo() throws Exception {
    start(Gateway.start(2, true));
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      write(socket, SmugglingTest.ATTACKS[0]);
      assertThat(readToEnd(socket)).startsWith("HTTP/1.1 400").doesNotContain("<still open>");
    }
    HttpClient client = clientVertx.createHttpClient(
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    assertThat(send(client, HttpMethod.POST, "native").backend().getString("body")).isEqualTo("native");
    assertThat(app.seen()).hasSize(1);
  }
}
