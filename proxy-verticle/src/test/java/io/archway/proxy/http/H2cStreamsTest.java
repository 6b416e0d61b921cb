package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 flow control and stream lifecycles on an h2c listener ({@link H2Streams}, {@link H2Stream}):
 * bodies many times the 64 KiB windows arrive whole both ways, a client that stops reading one stream
 * holds back that stream's target (not the gateway's memory), and a reset stream ends its target
 * request while the connection carries on.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class H2cStreamsTest {

  private static final int SIZE = 20 * 1024 * 1024;

  private final int port = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  private HttpBackend app;
  private Gateway gateway;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    app = HttpBackend.start("app");
    gateway = Gateway.start();
    gateway.healthy("app", app.address());
    gateway.apply(new JsonObject()
        .put("listeners", new JsonArray().add(httpListener("web", port, new JsonArray().add(route("app"))).put("http2", true)))
        .put("pools", new JsonArray().add(httpPool("app", app.address()))));
    // The default 64 KiB window per stream; 1 MiB for the connection, so that a stream the client
    // stops reading (whose bytes it does not give back) cannot take the whole connection's window.
    client = clientVertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setHttp2ConnectionWindowSize(1024 * 1024));
  }

  @AfterEach
  void stop() throws Exception {
    await(clientVertx.close());
    gateway.close();
    app.close();
  }

  private static String sha256(byte[] bytes) {
    MessageDigest sha = HttpBackend.sha256();
    sha.update(bytes);
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Reads a response to its end: the SHA-256 of its body. */
  private static Future<String> digest(HttpClientResponse response) {
    MessageDigest sha = HttpBackend.sha256();
    Promise<String> done = Promise.promise();
    response.handler(b -> sha.update(b.getBytes()));
    response.exceptionHandler(done::tryFail);
    response.endHandler(v -> done.tryComplete(HexFormat.of().formatHex(sha.digest())));
    return done.future();
  }

  @Test
  void twoDownloadsManyWindowsLongArriveByteExactSideBySide() throws Exception {
    String expected = sha256(HttpBackend.pattern(0, SIZE));
    Future<String> one = client.request(HttpMethod.GET, port, "127.0.0.1", "/download?bytes=" + SIZE)
        .compose(HttpClientRequest::send).compose(H2cStreamsTest::digest);
    Future<String> two = client.request(HttpMethod.GET, port, "127.0.0.1", "/download?bytes=" + SIZE)
        .compose(HttpClientRequest::send).compose(H2cStreamsTest::digest);
    assertThat(await(one)).isEqualTo(expected);
    assertThat(await(two)).isEqualTo(expected);
    JsonObject line = gateway.awaitAccessLine(l -> "/download".equals(l.getString("path")));
    assertThat(line.getString("protocol")).isEqualTo("HTTP/2");
    assertThat(line.getString("termination")).isEqualTo("complete");
    assertThat(line.getLong("bytesOut")).isEqualTo(SIZE);
  }

  @Test
  void uploadsManyWindowsLongReachTheTargetByteExactWithAndWithoutALength() throws Exception {
    byte[] body = HttpBackend.pattern(0, SIZE);
    JsonObject sized = await(client.request(HttpMethod.POST, port, "127.0.0.1", "/upload")
        .compose(r -> r.send(Buffer.buffer(body))).compose(r -> r.body().map(b -> new JsonObject(b.toString()))));
    assertThat(sized.getLong("length")).isEqualTo(SIZE);
    assertThat(sized.getString("sha256")).isEqualTo(sha256(body));

    JsonObject streamed = await(client.request(HttpMethod.PUT, port, "127.0.0.1", "/upload").compose(r -> {
      r.setChunked(true);
      int part = 256 * 1024;
      for (int at = 0; at < SIZE - part; at += part) r.write(Buffer.buffer(HttpBackend.pattern(at, part)));
      return r.end(Buffer.buffer(HttpBackend.pattern(SIZE - part, part))).compose(v -> r.response());
    }).compose(r -> r.body().map(b -> new JsonObject(b.toString()))));
    assertThat(streamed.getLong("length")).isEqualTo(SIZE);
    assertThat(streamed.getString("sha256")).isEqualTo(sha256(body));
    assertThat(app.seen().get(1).getJsonObject("headers").getString("transfer-encoding")).isEqualTo("chunked");
  }

  @Test
  void aStreamTheClientStopsReadingHoldsItsTargetBack() throws Exception {
    long total = 512L * 1024 * 1024;
    // Paused on the event loop as the head arrives, before any of the body.
    HttpClientResponse response = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/download?bytes=" + total)
        .compose(HttpClientRequest::send).map(r -> r.pause()));
    // What the target may write before it is held back: the client's windows, the gateway's write
    // watermark and each socket's buffers, a few MiB. Without backpressure it would be hundreds.
    Thread.sleep(2_000);
    long sent = app.downloadedBytes();
    Thread.sleep(1_000);
    assertThat(app.downloadedBytes()).isEqualTo(sent).isLessThan(64L * 1024 * 1024);
    // The connection is not blocked by it: another stream is answered meanwhile.
    JsonObject other = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/other")
        .compose(HttpClientRequest::send).compose(r -> r.body().map(b -> new JsonObject(b.toString()))));
    assertThat(other.getString("uri")).isEqualTo("/other");
    // Reading again lets it all through.
    AtomicLong read = new AtomicLong();
    Promise<Void> end = Promise.promise();
    response.handler(b -> read.addAndGet(b.length()));
    response.endHandler(end::tryComplete);
    response.resume();
    await(end.future());
    assertThat(read.get()).isEqualTo(total);
  }

  @Test
  void aStreamResetMidDownloadEndsItsTargetRequestAndTheConnectionCarriesOn() throws Exception {
    long total = 1024L * 1024 * 1024;
    HttpClientRequest request = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/download?bytes=" + total));
    HttpClientResponse response = await(request.send());
    AtomicLong read = new AtomicLong();
    response.handler(b -> read.addAndGet(b.length()));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> read.get() >= 1024 * 1024);
    await(request.reset());
    JsonObject line = gateway.awaitAccessLine(l -> "/download".equals(l.getString("path")));
    assertThat(line.getString("termination")).isEqualTo("client_close");
    assertThat(line.getLong("bytesOut")).isLessThan(total);
    // The target's connection, mid-response, is closed rather than kept: the target stops sending.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.openConnections() == 0);
    assertThat(app.downloadedBytes()).isLessThan(total);
    // The client's connection is still there for its other streams.
    JsonObject next = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/next")
        .compose(HttpClientRequest::send).compose(r -> r.body().map(b -> new JsonObject(b.toString()))));
    assertThat(next.getString("uri")).isEqualTo("/next");
  }

  @Test
  void eachStreamTimesOutOnItsOwnWhileItsNeighboursAreAnswered() throws Exception {
    gateway.apply(new JsonObject()
        .put("listeners", new JsonArray().add(httpListener("web", port, new JsonArray()
            .add(route("app").put("pathPrefix", "/slow").put("timeout", "600ms"))
            .add(route("app"))).put("http2", true)))
        .put("pools", new JsonArray().add(httpPool("app", app.address()))));
    long start = System.nanoTime();
    Future<Integer> first = status("/slow?ms=20000");
    Thread.sleep(300);
    long secondSent = System.nanoTime();
    Future<Integer> second = status("/slow?ms=20000");
    Future<Integer> quick = status("/slow?ms=50");
    Future<Integer> plain = status("/plain");
    assertThat(await(quick)).isEqualTo(200);
    assertThat(await(plain)).isEqualTo(200);
    assertThat(await(first)).isEqualTo(504);
    long firstAt = System.nanoTime();
    assertThat(await(second)).isEqualTo(504);
    long secondAt = System.nanoTime();
    // Each at its own deadline: not before it, and not held until the other's (nor the targets' 20 s).
    assertThat(Duration.ofNanos(firstAt - start)).isBetween(Duration.ofMillis(550), Duration.ofMillis(5_000));
    assertThat(Duration.ofNanos(secondAt - secondSent)).isBetween(Duration.ofMillis(550), Duration.ofMillis(5_000));
    // The connection outlives its timed-out streams.
    assertThat(await(status("/after"))).isEqualTo(200);
  }

  @Test
  void aStreamsHeadersReachTheTargetAsHttp11Ones() throws Exception {
    HttpClientResponse[] response = new HttpClientResponse[1];
    JsonObject seen = await(client.request(new io.vertx.core.http.RequestOptions().setMethod(HttpMethod.GET)
            .setHost("127.0.0.1").setPort(port).setURI("/headers?q=1"))
        .compose(r -> {
          r.headers().add("cookie", "a=1").add("cookie", "b=2").add("x-two", "one").add("x-two", "two");
          return r.send();
        })
        .compose(r -> {
          response[0] = r;
          return r.body().map(b -> new JsonObject(b.toString()));
        }));
    // The target wrote "Content-Type": an HTTP/2 client, which refuses upper-case names, gets it lowered.
    assertThat(response[0].headers().names()).contains("content-type", "x-backend");
    assertThat(seen.getString("uri")).isEqualTo("/headers?q=1");
    assertThat(seen.getString("version")).isEqualTo("HTTP_1_1");
    JsonObject headers = seen.getJsonObject("headers");
    // :authority is the Host; the cookie crumbs are one header again (RFC 9113 8.2.3); others stay apart.
    assertThat(headers.getString("host")).isEqualTo("127.0.0.1:" + port);
    assertThat(headers.getString("cookie")).isEqualTo("a=1; b=2");
    assertThat(headers.getString("x-two")).isEqualTo("one|two");
    assertThat(headers.getString("x-forwarded-port")).isEqualTo(Integer.toString(port));
    assertThat(headers.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(headers.fieldNames()).noneMatch(n -> n.startsWith(":") || n.startsWith("x-http2"));
  }

  @Test
  void aHostHeaderThatDiffersFromTheAuthorityResetsItsStreamOnly() throws Exception {
    Future<Integer> conflicting = client.request(HttpMethod.GET, port, "127.0.0.1", "/conflict")
        .compose(r -> {
          r.headers().add("host", "elsewhere.example");
          return r.send();
        })
        .map(HttpClientResponse::statusCode);
    assertThat(conflicting.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(10));
    assertThat(app.seen()).noneMatch(r -> "/conflict".equals(r.getString("uri")));
    assertThat(await(status("/after"))).isEqualTo(200);
  }

  private Future<Integer> status(String uri) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", uri)
        .compose(HttpClientRequest::send).compose(r -> r.body().map(b -> r.statusCode()));
  }
}
