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

/**
 * A {@code tls} listener (handshake timeout 1 s) given bytes that are not a handshake: each client is
 * closed within the bound, never reaches the target, and is counted as a {@code tls} rejection with its
 * handshake failure reason and logged {@code tls_failed}; a good client is served right after.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsBadBytesTest {

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

  @Test
  void randomGarbageIsClosedAsNotTls() throws Exception {
    refused(Kind.TLS, BadClient.garbage(1, 4096), "not_tls");
  }

  @Test
  void halfAClientHelloIsClosedAtTheHandshakeTimeout() throws Exception {
    refused(Kind.TLS, BadClient.halfClientHello(), "timeout");
  }

  @Test
  void aHandshakeRecordClaimingSixteenMebibytesIsClosed() throws Exception {
    // The SNI reader in front of the handshake refuses a ClientHello over 64 KiB as soon as its first record is in.
    refused(Kind.TLS, BadClient.hugeClientHello(), "other");
  }

  @Test
  void megabytesOfGarbageAreClosed() throws Exception {
    refused(Kind.TLS, BadClient.garbage(2, 8 << 20), "not_tls");
  }

  @Test
  void aClientThatSendsNothingIsClosedAtTheHandshakeTimeout() throws Exception {
    refused(Kind.TLS, new byte[0], "timeout");
  }

  /** Sends {@code input}; the client must be closed and counted with {@code failure}. */
  static void refused(Kind kind, byte[] input, String failure) throws Exception {
    double rejected = abuse.rejected(kind, "tls");
    double failures = abuse.handshakeFailures(kind, failure);
    long logged = abuse.accessLines(kind, "tls_failed");
    Outcome outcome = BadClient.send(abuse.port(kind), input, BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    assertThat(outcome.text()).as("no byte of the target").doesNotContain("still-serving", "passed");
    UnderAbuse.awaitCount("rejected{reason=tls}", () -> abuse.rejected(kind, "tls"), rejected + 1);
    UnderAbuse.awaitCount("handshake failures{reason=" + failure + "}", () -> abuse.handshakeFailures(kind, failure),
        failures + 1);
    abuse.awaitAccessLines(kind, "tls_failed", logged);
    abuse.awaitNoneOpen(kind);
    abuse.assertServesGoodClient(kind);
    abuse.awaitNoneOpen(kind);
  }
}
