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
 * A {@code tls-passthrough} listener (ClientHello deadline 1 s, its idle timeout) given bytes that are
 * not a ClientHello: each client is closed within the bound, never routed, counted as a {@code tls}
 * rejection with its reason and logged {@code tls_failed}; a good client is routed right after.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PassthroughBadBytesTest {

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
    abuse.assertTlsRefused(Kind.PASSTHROUGH, BadClient.garbage(3, 4096), "not_tls");
  }

  @Test
  void halfAClientHelloIsClosedAtTheDeadline() throws Exception {
    abuse.assertTlsRefused(Kind.PASSTHROUGH, BadClient.halfClientHello(), "timeout");
  }

  @Test
  void aClientHelloClaimingSixteenMebibytesIsRefusedBeforeTheDeadline() throws Exception {
    // Refused on its length (over 64 KiB) as soon as its first record is in, not buffered until the deadline.
    abuse.assertTlsRefused(Kind.PASSTHROUGH, BadClient.hugeClientHello(), "other");
  }

  @Test
  void megabytesOfGarbageAreClosed() throws Exception {
    abuse.assertTlsRefused(Kind.PASSTHROUGH, BadClient.garbage(4, 8 << 20), "not_tls");
  }

  @Test
  void aClientThatSendsNothingIsClosedAtTheDeadline() throws Exception {
    abuse.assertTlsRefused(Kind.PASSTHROUGH, new byte[0], "timeout");
  }
}
