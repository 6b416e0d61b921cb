package io.archway.proxy.abuse;

import static io.archway.proxy.abuse.UnderAbuse.BOUND;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.proxy.abuse.BadClient.Outcome;
import io.archway.proxy.abuse.UnderAbuse.Kind;
import io.archway.proxy.testing.LeakCheck;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods: 500 bad clients, 100 at a time, against one listener. Every one is closed within the bound
 * and counted exactly once, a good client is served in the middle of it and after, nothing stays open,
 * and the gateway's direct memory grows by less than {@link #MAX_GROWTH} at its peak.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GarbageFloodTest {

  private static final int CLIENTS = 500;
  private static final int AT_ONCE = 100;
  private static final long MIB = 1 << 20;
  /** What 100 clients may hold at once, generously: 64 KiB each would be 6.25 MiB. */
  private static final long MAX_GROWTH = 32 * MIB;

  @TempDir static Path dir;
  static UnderAbuse abuse;

  @BeforeAll
  static void start() throws Exception {
    abuse = UnderAbuse.startQuiet(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    abuse.close();
  }

  @Test
  void fiveHundredGarbageClientsOnATlsListener() throws Exception {
    flood(Kind.TLS, "tls", i -> BadClient.garbage(100 + i, 16 * 1024));
  }

  @Test
  void fiveHundredClientHellosClaimingSixteenMebibytesOnAPassthroughListener() throws Exception {
    // 512 KiB each, in 64 KiB handshake records: a reader that believed the claim would hold it all.
    flood(Kind.PASSTHROUGH, "tls", i -> endlessClientHello(8));
  }

  @Test
  void fiveHundredEndlessProxyLines() throws Exception {
    flood(Kind.PROXY_TCP, "proxy_protocol", i -> BadClient.ascii("PROXY TCP4 " + "9".repeat(256 * 1024)));
  }

  @Test
  void fiveHundredUnreadableHttpRequests() throws Exception {
    flood(Kind.HTTP, "bad_request", i -> BadClient.ascii("GET / HTTP/1.1\r\nX: " + "x".repeat(256 * 1024) + "\r\n\r\n"));
  }

  /** A ClientHello whose handshake header claims 16 MiB, then {@code records} records of 64 KiB in all. */
  private static byte[] endlessClientHello(int records) {
    List<byte[]> parts = new ArrayList<>();
    for (int r = 0; r < records; r++) {
      byte[] record = new byte[5 + 0xffff];
      record[0] = 0x16;
      record[1] = 0x03;
      record[2] = 0x01;
      record[3] = (byte) 0xff;
      record[4] = (byte) 0xff;
      if (r == 0) {
        record[5] = 0x01;
        record[6] = (byte) 0xff;
        record[7] = (byte) 0xff;
        record[8] = (byte) 0xff;
      }
      parts.add(record);
    }
    return BadClient.concat(parts.toArray(new byte[0][]));
  }

  interface Input {
    byte[] of(int client) throws Exception;
  }

  private static void flood(Kind kind, String reason, Input input) throws Exception {
    double before = abuse.rejected(kind, reason);
    abuse.assertServesGoodClient(kind);
    long baseline = directMemory();
    AtomicLong peak = new AtomicLong();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        peak.accumulateAndGet(directMemory() - baseline, Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "direct-memory-sampler");
    sampler.start();
    ExecutorService clients = Executors.newFixedThreadPool(AT_ONCE);
    try {
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        byte[] bytes = input.of(i);
        outcomes.add(clients.submit(() -> BadClient.send(abuse.port(kind), bytes, BOUND)));
      }
      // In the middle of the flood, a good client still gets through.
      abuse.assertServesGoodClient(kind);
      int closed = 0;
      for (Future<Outcome> f : outcomes) {
        if (f.get(120, TimeUnit.SECONDS).closed()) closed++;
      }
      assertThat(closed).as("bad clients closed within %s", BOUND).isEqualTo(CLIENTS);
    } finally {
      clients.shutdownNow();
      sampling.set(false);
      sampler.join(5_000);
    }
    UnderAbuse.awaitCount("rejected{reason=" + reason + "}", () -> abuse.rejected(kind, reason), before + CLIENTS);
    assertThat(abuse.rejected(kind, reason)).as("each counted once").isEqualTo(before + CLIENTS);
    abuse.awaitNoneOpen(kind);
    abuse.assertServesGoodClient(kind);
    System.out.printf("flood %s: %d clients, peak gateway direct memory growth %.1f MiB%n",
        kind.listener, CLIENTS, peak.get() / (double) MIB);
    assertThat(peak.get()).as("peak direct memory growth").isLessThan(MAX_GROWTH);
  }

  private static long directMemory() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }
}
