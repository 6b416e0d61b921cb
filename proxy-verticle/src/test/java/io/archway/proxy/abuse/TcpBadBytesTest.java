package io.archway.proxy.abuse;

import static io.archway.proxy.abuse.UnderAbuse.BOUND;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.metrics.MetricNames;
import io.archway.proxy.abuse.BadClient.Outcome;
import io.archway.proxy.abuse.UnderAbuse.Kind;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain {@code tcp} listener has no protocol to violate: garbage of any size is relayed unchanged,
 * never refused, and a client that stops sending is reclaimed by the idle timeout (1 s here).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpBadBytesTest {

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
  void megabytesOfGarbageAreRelayedUnchangedAndNotRefused() throws Exception {
    double refusedBefore = refusals();
    try (Socket s = Streams.connect(abuse.port(Kind.TCP))) {
      CompletableFuture<Streams.Received> back = CompletableFuture.supplyAsync(() -> {
        try {
          return Streams.receiveAll(s.getInputStream());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      String sent = Streams.sendRandom(s.getOutputStream(), 9, 8 << 20);
      s.shutdownOutput();
      Streams.Received received = back.get(60, TimeUnit.SECONDS);
      assertThat(received.bytes()).isEqualTo(8 << 20);
      assertThat(received.sha256()).isEqualTo(sent);
    }
    assertThat(refusals()).isEqualTo(refusedBefore);
    abuse.awaitNoneOpen(Kind.TCP);
    abuse.assertServesGoodClient(Kind.TCP);
  }

  @Test
  void aClientThatSendsNothingIsClosedAtTheIdleTimeout() throws Exception {
    long idle = abuse.accessLines(Kind.TCP, "idle_timeout");
    Outcome outcome = BadClient.silent(abuse.port(Kind.TCP), BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    abuse.awaitAccessLines(Kind.TCP, "idle_timeout", idle);
    abuse.awaitNoneOpen(Kind.TCP);
    abuse.assertServesGoodClient(Kind.TCP);
  }

  @Test
  void garbageThenSilenceIsEchoedThenClosedAtTheIdleTimeout() throws Exception {
    Outcome outcome = BadClient.send(abuse.port(Kind.TCP), BadClient.garbage(10, 4096), BOUND);
    assertThat(outcome.closed()).as("closed within %s", BOUND).isTrue();
    assertThat(outcome.received()).isEqualTo(BadClient.garbage(10, 4096));
    abuse.awaitNoneOpen(Kind.TCP);
  }

  private static double refusals() {
    return abuse.gateway().registry().find(MetricNames.LISTENER_REJECTED).tag(MetricNames.TAG_LISTENER, "tcp")
        .counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
