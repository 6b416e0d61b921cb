package io.archway.proxy.abuse;

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
    abuse.assertTlsRefused(Kind.TLS, BadClient.garbage(1, 4096), "not_tls");
  }

  @Test
  void halfAClientHelloIsClosedAtTheHandshakeTimeout() throws Exception {
    abuse.assertTlsRefused(Kind.TLS, BadClient.halfClientHello(), "timeout");
  }

  @Test
  void aHandshakeRecordClaimingSixteenMebibytesIsClosed() throws Exception {
    // The SNI reader in front of the handshake refuses a ClientHello over 64 KiB as soon as its first record is in.
    abuse.assertTlsRefused(Kind.TLS, BadClient.hugeClientHello(), "other");
  }

  @Test
  void megabytesOfGarbageAreClosed() throws Exception {
    abuse.assertTlsRefused(Kind.TLS, BadClient.garbage(2, 8 << 20), "not_tls");
  }

  @Test
  void aClientThatSendsNothingIsClosedAtTheHandshakeTimeout() throws Exception {
    abuse.assertTlsRefused(Kind.TLS, new byte[0], "timeout");
  }
}
