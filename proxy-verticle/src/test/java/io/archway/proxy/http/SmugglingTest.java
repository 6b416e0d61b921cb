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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests whose body length could be read two ways get 400, their connection closes, and nothing reaches a
 * target: on an {@code http} listener, and on one with h2c on ({@code http2: true}), where Vert.x decodes the
 * first request of a connection before the connection handler runs (see {@link FirstBytes}).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmugglingTest {

  private final int port = Ports.free();
  /** An http listener with {@code http2: true}: h2c by prior knowledge or Upgrade, else HTTP/1.x. */
  private final int h2cPort = Ports.free();
  private HttpBackend app;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    app = HttpBackend.start("app");
    gateway = Gateway.start();
    gateway.healthy("app", app.address());
    gateway.apply(new JsonObject().put("listeners", new JsonArray()
            .add(httpListener("web", port, new JsonArray().add(route("app"))))
            .add(httpListener("h2c", h2cPort, new JsonArray().add(route("app"))).put("http2", true)))
        .put("pools", new JsonArray().add(httpPool("app", app.address()))));
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    app.close();
  }

  private int port(String listener) {
    return listener.equals("h2c") ? h2cPort : port;
  }

  /** Sends raw bytes and reads until the gateway closes the connection (or 5 s pass). */
  private String exchange(String raw) throws Exception {
    return exchange(port, raw);
  }

  private static String exchange(int port, String raw) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      write(socket, raw);
      return readToEnd(socket);
    }
  }

  static void write(Socket socket, String raw) throws Exception {
    socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** Everything until the peer closes; {@code <still open>} at the end when it did not within the timeout. */
  static String readToEnd(Socket socket) throws Exception {
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

  /** One whole HTTP/1.1 response (Content-Length or chunked body), leaving the connection open. */
  static String readResponse(Socket socket) throws Exception {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new java.io.EOFException("closed after " + head);
      head.append((char) b);
    }
    String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
    StringBuilder body = new StringBuilder();
    java.util.regex.Matcher length = java.util.regex.Pattern.compile("\r\ncontent-length: *(\\d+)").matcher(lower);
    if (length.find()) {
      for (int n = Integer.parseInt(length.group(1)); n > 0; n--) body.append((char) in.read());
    } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
      while (true) {
        String size = line(in);
        int n = Integer.parseInt(size.trim(), 16);
        for (int i = 0; i < n; i++) body.append((char) in.read());
        line(in);
        if (n == 0) break;
      }
    }
    return head + body.toString();
  }

  private static String line(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) throw new java.io.EOFException();
      line.append((char) b);
    }
    return line.toString();
  }

  static final String[] ATTACKS = {
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
  };

  /** Every attack on both listeners. */
  static Stream<Arguments> attacks() {
    return Stream.of("web", "h2c").flatMap(listener -> Arrays.stream(ATTACKS).map(raw -> Arguments.of(listener, raw)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("attacks")
  void ambiguousLengthsAre400AndNeverForwarded(String listener, String raw) throws Exception {
    String answer = exchange(port(listener), raw);
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).doesNotContain("<still open>");
    assertThat(app.seen()).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("attacks")
  void ambiguousLengthsLaterOnAKeepAliveConnectionAre400AndNeverForwarded(String listener, String raw) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(listener))) {
      socket.setSoTimeout(5_000);
      write(socket, "GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(readResponse(socket)).startsWith("HTTP/1.1 200").contains("\"uri\":\"/first\"");
      write(socket, raw);
      String answer = readToEnd(socket);
      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(answer).doesNotContain("<still open>");
    }
    assertThat(app.seen()).extracting(seen -> seen.getString("uri")).containsExactly("/first");
  }

  /** The attack whose Content-Length Netty alone drops, cut into single bytes: the guard waits for each. */
  @Test
  void theClassicAttackByteByByteOnH2cIs400() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), h2cPort)) {
      socket.setSoTimeout(5_000);
      socket.setTcpNoDelay(true);
      try {
        for (char c : ATTACKS[0].toCharArray()) {
          write(socket, String.valueOf(c));
          Thread.sleep(2);
        }
      } catch (java.net.SocketException e) {
        // Refused at the end of the headers, and closed before the body was all written: as it should.
      }
      String answer = readToEnd(socket);
      assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("<still open>");
    }
    assertThat(app.seen()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "h2c"})
  void aPlainChunkedRequestStillGoesThrough(String listener) throws Exception {
    String answer = exchange(port(listener), "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(answer).contains("\"length\":5");
  }
}
