package io.archway.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AccessLogTest {

  @Test
  void aStalledWriterDropsAndCountsInsteadOfBlockingTheCaller() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    List<String> lines = new CopyOnWriteArrayList<>();
    try (AccessLog log = AccessLog.start(batch -> {
      try {
        stalled.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lines.addAll(batch.lines().toList());
    }, 2)) {
      long start = System.nanoTime();
      for (int i = 0; i < 50; i++) log.log(entry(i));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
      assertThat(log.dropped()).isPositive();

      stalled.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() + log.dropped() == 50);
    }
  }

  @Test
  void everyEntryBecomesOneJsonLine() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (AccessLog log = AccessLog.start(batch -> lines.addAll(batch.lines().toList()), 100)) {
      for (int i = 0; i < 10; i++) log.log(entry(i));
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() == 10);
    }
    assertThat(lines.get(3)).isEqualTo("{\"time\":\"1970-01-01T00:00:01.003Z\",\"node\":\"n\",\"listener\":\"l\","
        + "\"client\":\"10.0.0.1:4000\",\"target\":\"t:1\",\"pool\":\"p\",\"bytesIn\":3,\"bytesOut\":6,"
        + "\"connectMs\":1.5,\"durationMs\":20.0,\"termination\":\"client_close\"}");
  }

  private static AccessLogEntry entry(int i) {
    return new AccessLogEntry(1_000 + i, "n", "l", new InetSocketAddress("10.0.0.1", 4000), "t:1", "p", i, 2L * i,
        1_500_000, 20_000_000, null, "client_close");
  }
}
