package io.archway.proxy.abuse;

import static io.archway.proxy.abuse.UnderAbuse.BOUND;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.proxy.abuse.BadClient.Outcome;
import io.archway.proxy.abuse.UnderAbuse.Kind;
import io.archway.proxy.testing.LeakCheck;
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
 * {@code tcp} and {@code tls} listeners with {@code acceptProxyProtocol} (deadline 1 s, their idle
 * timeout) given anything but a PROXY header: closed within the bound, never relayed, counted as
 * {@code reason="proxy_protocol"} and logged {@code rejected}; a client with a good header is served after.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProxyHeaderBadBytesTest {

  /** The 12-byte signature of a v2 header. */
  private static final byte[] V2_SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

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
  @EnumSource(names = {"PROXY_TCP", "PROXY_TLS"})
  void randomGarbageIsRefused(Kind kind) throws Exception {
    refused(kind, BadClient.garbage(7, 4096));
  }

  @ParameterizedTest
  @EnumSource(names = {"PROXY_TCP", "PROXY_TLS"})
  void halfAVersionOneHeaderIsRefusedAtTheDeadline(Kind kind) throws Exception {
    refused(kind, BadClient.ascii("PROXY TCP4 203.0.113.7 127.0"));
  }

  @ParameterizedTest
  @EnumSource(names = {"PROXY_TCP", "PROXY_TLS"})
  void halfAVersionTwoHeaderIsRefusedAtTheDeadline(Kind kind) throws Exception {
    // Signature, PROXY over TCP4, 12 address bytes promised, 4 sent.
    refused(kind, BadClient.concat(V2_SIGNATURE, new byte[] {0x21, 0x11, 0x00, 0x0c, 10, 0, 0, 1}));
  }

  @ParameterizedTest
  @EnumSource(names = {"PROXY_TCP", "PROXY_TLS"})
  void anEndlessVersionOneLineIsRefused(Kind kind) throws Exception {
    refused(kind, BadClient.ascii("PROXY TCP4 " + "1".repeat(1 << 20)));
  }

  @ParameterizedTest
  @EnumSource(names = {"PROXY_TCP", "PROXY_TLS"})
  void aClientThatSendsNothingIsRefusedAtTheDeadline(Kind kind) throws Exception {
    refused(kind, new byte[0]);
  }

  @ParameterizedTest
  @EnumSource(names = {"PROXY_TCP", "PROXY_TLS"})
  void aHeaderThenMegabytesOfGarbage(Kind kind) throws Exception {
    // Past a good header, a tcp listener relays what follows (bytes are bytes); a tls one wants a handshake.
    byte[] input = BadClient.concat(BadClient.ascii(UnderAbuse.PROXY_V1), BadClient.garbage(8, 4 << 20));
    if (kind == Kind.PROXY_TLS) {
      double failures = abuse.rejected(kind, "tls");
      Outcome outcome = BadClient.send(abuse.port(kind), input, BOUND);
      assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
      UnderAbuse.awaitCount("rejected{reason=tls}", () -> abuse.rejected(kind, "tls"), failures + 1);
      assertThat(abuse.handshakeFailures(kind, "not_tls")).isPositive();
    } else {
      Outcome outcome = BadClient.send(abuse.port(kind), input, BOUND);
      // The echo target sends the garbage back; the listener's idle timeout ends it once it stops.
      assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
      assertThat(outcome.received()).isNotEmpty();
    }
    abuse.awaitNoneOpen(kind);
    abuse.assertServesGoodClient(kind);
  }

  @Test
  void aLocalVersionTwoHeaderIsNotARefusal() throws Exception {
    // The balancer's health check: LOCAL, no addresses. Not counted, not closed early.
    double before = abuse.rejected(Kind.PROXY_TCP, "proxy_protocol");
    byte[] local = BadClient.concat(V2_SIGNATURE, new byte[] {0x20, 0x00, 0x00, 0x00}, BadClient.ascii("ping"));
    Outcome outcome = BadClient.send(abuse.port(Kind.PROXY_TCP), local, BOUND);
    assertThat(outcome.text()).isEqualTo("ping");
    assertThat(abuse.rejected(Kind.PROXY_TCP, "proxy_protocol")).isEqualTo(before);
    abuse.awaitNoneOpen(Kind.PROXY_TCP);
  }

  private static void refused(Kind kind, byte[] input) throws Exception {
    double rejected = abuse.rejected(kind, "proxy_protocol");
    long logged = abuse.accessLines(kind, "rejected");
    Outcome outcome = BadClient.send(abuse.port(kind), input, BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    assertThat(outcome.received()).as("nothing relayed").isEmpty();
    UnderAbuse.awaitCount("rejected{reason=proxy_protocol}", () -> abuse.rejected(kind, "proxy_protocol"),
        rejected + 1);
    abuse.awaitAccessLines(kind, "rejected", logged);
    abuse.awaitNoneOpen(kind);
    abuse.assertServesGoodClient(kind);
    abuse.awaitNoneOpen(kind);
  }
}
