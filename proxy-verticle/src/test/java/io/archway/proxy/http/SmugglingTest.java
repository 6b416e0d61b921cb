package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Requests whose body length could be read two ways get 400, their connection closes, and nothing reaches a target. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmugglingTest {

  private final int port = Ports.free();
  private HttpBackend app;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    app = HttpBackend.start("app");
    gateway = Gateway.start();
    gateway.healthy("app", app.address());
    gateway.apply(new JsonObject().put("listeners", new JsonArray().add(httpListener("web", port,
        new JsonArray().add(route("app"))))).put("pools", new JsonArray().add(httpPool("app", app.address()))));
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    app.close();
  }

  /** Sends raw bytes and reads until the gateway closes the connection (or 5 s pass). */
  private String exchange(String raw) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
      } catch (java.net.SocketTimeoutException e) {
        out.write("<still open>".getBytes(StandardCharsets.ISO_8859_1));
      } catch (java.net.SocketException e) {
        // A reset after the answer counts as closed.
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // CL.TE: the classic.
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
      // TE.CL, the other order.
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n",
      // An obfuscated transfer coding.
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n",
      // Lengths that are not one number.
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\nhello",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5x\r\n\r\nhello",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 5\r\n\r\nhello",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello",
  })
  void ambiguousLengthsAre400AndNeverForwarded(String raw) throws Exception {
    String answer = exchange(raw);
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).doesNotContain("<still open>");
    assertThat(app.seen()).isEmpty();
  }

  @Test
  void aPlainChunkedRequestStillGoesThrough() throws Exception {
    String answer = exchange("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(answer).contains("\"length\":5");
  }
}
