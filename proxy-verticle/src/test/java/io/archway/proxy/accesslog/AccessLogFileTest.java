package io.archway.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.config.AccessLogConfig;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogFileTest {

  @TempDir Path dir;

  @Test
  void theFileRotatesBeforeALineWouldOverflowItAndKeepsTheNewestFiles() throws Exception {
    Path file = dir.resolve("access.log");
    try (AccessLog log = AccessLog.open(new AccessLogConfig(true, Optional.of(file.toString()), 1024, 2, Optional.empty()))) {
      for (int i = 0; i < 60; i++) log.log(entry(i));
    }
    assertThat(Files.exists(dir.resolve("access.log.1"))).isTrue();
    assertThat(Files.exists(dir.resolve("access.log.2"))).isTrue();
    assertThat(Files.exists(dir.resolve("access.log.3"))).isFalse();
    List<Long> kept = new ArrayList<>();
    for (String name : new String[] {"access.log.2", "access.log.1", "access.log"}) {
      Path p = dir.resolve(name);
      assertThat(Files.size(p)).as(name).isLessThanOrEqualTo(1024);
      for (String line : Files.readAllLines(p)) kept.add(new JsonObject(line).getLong("bytesIn"));
    }
    // Whole lines only, in order, and the last one written is in the current file.
    assertThat(kept).isSorted().endsWith(59L);
    assertThat(kept.get(0)).isPositive();
    for (int i = 1; i < kept.size(); i++) assertThat(kept.get(i)).isEqualTo(kept.get(i - 1) + 1);
    // The full files were filled: a rotation happens only when the next line does not fit.
    String one = Files.readString(dir.resolve("access.log.1"));
    int lineLength = one.indexOf('\n') + 1;
    assertThat(one.length() + lineLength).isGreaterThan(1024);
  }

  @Test
  void aLogReopenedAppendsToTheFileItFinds() throws Exception {
    Path file = dir.resolve("access.log");
    AccessLogConfig config = new AccessLogConfig(true, Optional.of(file.toString()), 1 << 20, 5, Optional.empty());
    try (AccessLog log = AccessLog.open(config)) {
      log.log(entry(1));
    }
    try (AccessLog log = AccessLog.open(config)) {
      log.log(entry(2));
    }
    assertThat(Files.readAllLines(file)).extracting(l -> new JsonObject(l).getLong("bytesIn")).containsExactly(1L, 2L);
  }

  @Test
  void keepZeroStartsTheFileAgain() throws Exception {
    Path file = dir.resolve("access.log");
    try (AccessLog log = AccessLog.open(new AccessLogConfig(true, Optional.of(file.toString()), 1024, 0, Optional.empty()))) {
      for (int i = 0; i < 30; i++) log.log(entry(i));
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("access.log");
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(new JsonObject(lines.get(lines.size() - 1)).getLong("bytesIn")).isEqualTo(29);
  }

  @Test
  void anInterimLineSaysOpenAndHasNoTermination() {
    JsonObject json = new OpenConnectionLine(new AccessLogEntry(1_000, "n", "l", new InetSocketAddress("10.0.0.1", 4000),
        "t:1", "p", 5, 7, 1_500_000, 2_000_000_000L, null, null)).toJson();
    assertThat(json.getString("event")).isEqualTo("open");
    assertThat(json.containsKey("termination")).isFalse();
    assertThat(json.getLong("bytesIn")).isEqualTo(5);
    assertThat(json.getDouble("durationMs")).isEqualTo(2000.0);
  }

  private static AccessLogEntry entry(int i) {
    return new AccessLogEntry(1_000 + i, "node-1", "listener", new InetSocketAddress("10.0.0.1", 4000), "t:1", "p", i,
        2L * i, 1_500_000, 20_000_000, null, "client_close");
  }
}
