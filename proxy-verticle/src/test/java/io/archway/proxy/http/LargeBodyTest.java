package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** 100 MiB stream through the gateway both ways, byte for byte, with and without a declared length. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LargeBodyTest {

  /** The config as this class runs it: on the Netty-level path here, on Vert.x's in the subclass. */
  JsonObject path(JsonObject config) {
    return config;
  }

  private static final long SIZE = 100L * 1024 * 1024;

  private final int port = Ports.free();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private HttpBackend app;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    app = HttpBackend.start("app");
    gateway = Gateway.start();
    gateway.healthy("app", app.address());
    gateway.apply(path(new JsonObject().put("listeners", new JsonArray().add(httpListener("web", port,
        new JsonArray().add(route("app"))))).put("pools", new JsonArray().add(httpPool("app", app.address())))));
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    app.close();
  }

  /** The download pattern as a stream, so that neither side holds it whole. */
  private static InputStream pattern(long size) {
    return new InputStream() {
      private long offset;

      @Override
      public int read() {
        if (offset >= size) return -1;
        return HttpBackend.pattern(offset++, 1)[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (offset >= size) return -1;
        int n = (int) Math.min(len, size - offset);
        System.arraycopy(HttpBackend.pattern(offset, n), 0, b, off, n);
        offset += n;
        return n;
      }
    };
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest sha = HttpBackend.sha256();
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) >= 0; ) sha.update(buf, 0, n);
    return HexFormat.of().formatHex(sha.digest());
  }

  @Test
  void a100MiBUploadArrivesByteExactWithAndWithoutContentLength() throws Exception {
    String expected = sha256(pattern(SIZE));
    URI uri = URI.create("http://127.0.0.1:" + port + "/upload");
    HttpRequest sized = HttpRequest.newBuilder(uri)
        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> pattern(SIZE)), SIZE))
        .build();
    JsonObject answer = new JsonObject(client.send(sized, HttpResponse.BodyHandlers.ofString()).body());
    assertThat(answer.getLong("length")).isEqualTo(SIZE);
    assertThat(answer.getString("sha256")).isEqualTo(expected);

    HttpRequest chunked = HttpRequest.newBuilder(uri)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> pattern(SIZE))).build();
    answer = new JsonObject(client.send(chunked, HttpResponse.BodyHandlers.ofString()).body());
    assertThat(answer.getLong("length")).isEqualTo(SIZE);
    assertThat(answer.getString("sha256")).isEqualTo(expected);
    assertThat(app.seen().get(1).getJsonObject("headers").getString("transfer-encoding")).isEqualTo("chunked");
  }

  @Test
  void aClientLeavingMidDownloadEndsTheTargetRequestAndIsLoggedAsSuch() throws Exception {
    try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      socket.getOutputStream().write(("GET /download?bytes=" + SIZE + " HTTP/1.1\r\nHost: a\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long read = 0;
      while (read < 1024 * 1024) read += Math.max(0, in.read(buf));
    }
    JsonObject line = gateway.awaitAccessLine(l -> "/download".equals(l.getString("path")));
    assertThat(line.getString("termination")).isEqualTo("client_close");
    assertThat(line.getLong("bytesOut")).isLessThan(SIZE);
    HttpRequest again = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/download?bytes=10")).build();
    assertThat(client.send(again, HttpResponse.BodyHandlers.ofByteArray()).body()).hasSize(10);
  }

  @Test
  void a100MiBDownloadArrivesByteExact() throws Exception {
    String expected = sha256(pattern(SIZE));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/download?bytes=" + SIZE))
        .GET().build();
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream body = response.body()) {
      assertThat(sha256(body)).isEqualTo(expected);
    }
    JsonObject line = gateway.awaitAccessLine(l -> "/download".equals(l.getString("path")));
    assertThat(line.getLong("bytesOut")).isEqualTo(SIZE);
  }
}
