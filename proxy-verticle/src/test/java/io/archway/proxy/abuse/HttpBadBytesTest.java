package io.archway.proxy.abuse;

import static io.archway.proxy.abuse.UnderAbuse.BOUND;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.proxy.abuse.BadClient.Outcome;
import io.archway.proxy.abuse.UnderAbuse.Kind;
import io.archway.proxy.testing.LeakCheck;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code http} and {@code https} listeners (keep-alive timeout 1 s) given requests that cannot be read:
 * an answer of 400, 414 or 431 and a close, counted in {@code archway_listener_rejected_total{reason="bad_request"}}
 * and logged with termination {@code rejected} and the status; a request that never ends is closed at the
 * keep-alive timeout. Bad bytes in place of a handshake on {@code https} are a counted TLS failure.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HttpBadBytesTest {

  @TempDir static Path dir;
  static UnderAbuse abuse;

  @BeforeAll
  static void start() throws Exception {
    abuse = UnderAbuse.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    abuse.close();
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP", "HTTPS"})
  void randomGarbageIsAnswered400(Kind kind) throws Exception {
    answered(kind, BadClient.garbage(5, 4096), 400);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP", "HTTPS"})
  void aRequestLineOfAMebibyteIsAnswered414(Kind kind) throws Exception {
    answered(kind, BadClient.ascii("GET /" + "a".repeat(1 << 20) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP", "HTTPS"})
  void aHeaderLineOfAMebibyteIsAnswered431(Kind kind) throws Exception {
    answered(kind, BadClient.ascii("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(1 << 20) + "\r\n\r\n"), 431);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP", "HTTPS"})
  void tenThousandHeadersAreAnswered431(Kind kind) throws Exception {
    StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 10_000; i++) request.append("X-H").append(i).append(": v\r\n");
    answered(kind, BadClient.ascii(request.append("\r\n").toString()), 431);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP", "HTTPS"})
  void anAmbiguousBodyLengthIsAnswered400(Kind kind) throws Exception {
    answered(kind, BadClient.ascii("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP", "HTTPS"})
  void halfARequestIsClosedAtTheKeepAliveTimeout(Kind kind) throws Exception {
    Outcome outcome = BadClient.send(open(kind), BadClient.ascii("GET /half HTTP/1.1\r\nHost: web.exa"), BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    assertThat(outcome.text()).as("nothing answered, nothing forwarded").isEmpty();
    afterwards(kind);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP", "HTTPS"})
  void aClientThatSendsNothingIsClosedAtTheKeepAliveTimeout(Kind kind) throws Exception {
    Outcome outcome = BadClient.send(open(kind), new byte[0], BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    assertThat(outcome.text()).isEmpty();
    afterwards(kind);
  }

  @Test
  void garbageInPlaceOfAHandshakeIsACountedTlsFailure() throws Exception {
    double rejected = abuse.rejected(Kind.HTTPS, "tls");
    double failures = abuse.handshakeFailures(Kind.HTTPS, "not_tls");
    Outcome outcome = BadClient.send(abuse.port(Kind.HTTPS), BadClient.garbage(6, 1 << 20), BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    UnderAbuse.awaitCount("rejected{reason=tls}", () -> abuse.rejected(Kind.HTTPS, "tls"), rejected + 1);
    UnderAbuse.awaitCount("handshake failures{reason=not_tls}", () -> abuse.handshakeFailures(Kind.HTTPS, "not_tls"),
        failures + 1);
    afterwards(Kind.HTTPS);
  }

  @Test
  void halfAClientHelloIsACountedTlsTimeout() throws Exception {
    double failures = abuse.handshakeFailures(Kind.HTTPS, "timeout");
    Outcome outcome = BadClient.send(abuse.port(Kind.HTTPS), BadClient.halfClientHello(), BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    UnderAbuse.awaitCount("handshake failures{reason=timeout}", () -> abuse.handshakeFailures(Kind.HTTPS, "timeout"),
        failures + 1);
    afterwards(Kind.HTTPS);
  }

  /** Sends {@code input} as a request; it must get {@code status}, a close, a count and a log line. */
  private static void answered(Kind kind, byte[] input, int status) throws Exception {
    double rejected = abuse.rejected(kind, "bad_request");
    long logged = abuse.accessLines(kind, "rejected");
    Outcome outcome = BadClient.send(open(kind), input, BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    // HTTP/1.0 when the request line itself could not be read.
    assertThat(outcome.text()).containsPattern("^HTTP/1\\.[01] " + status + " ");
    UnderAbuse.awaitCount("rejected{reason=bad_request}", () -> abuse.rejected(kind, "bad_request"), rejected + 1);
    abuse.awaitAccessLines(kind, "rejected", logged);
    JsonObject line = abuse.gateway().accessLog().stream()
        .filter(l -> kind.listener.equals(l.getString("listener")) && "rejected".equals(l.getString("termination")))
        .reduce((a, b) -> b).orElseThrow();
    assertThat(line.getInteger("status")).isEqualTo(status);
    assertThat(line.getString("target")).isNull();
    afterwards(kind);
  }

  private static void afterwards(Kind kind) throws Exception {
    abuse.awaitNoneOpen(kind);
    abuse.assertServesGoodClient(kind);
    abuse.awaitNoneOpen(kind);
  }

  private static Socket open(Kind kind) throws Exception {
    return kind == Kind.HTTPS ? abuse.tlsClient(kind) : new Socket(InetAddress.getLoopbackAddress(), abuse.port(kind));
  }
}
