package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogConfigTest {

  @TempDir Path dir;

  private AccessLogConfig parse(JsonObject accessLog) {
    return ConfigParser.parse(new JsonObject().put("accessLog", accessLog), dir).accessLog();
  }

  private List<String> problems(JsonObject accessLog) {
    return ConfigParser.problems(new JsonObject().put("accessLog", accessLog), dir).stream()
        .map(Problem::toString).toList();
  }

  @Test
  void stdoutWithoutIntervalIsTheDefault() {
    assertThat(parse(new JsonObject())).isEqualTo(AccessLogConfig.defaults());
    assertThat(AccessLogConfig.defaults().file()).isEmpty();
    assertThat(AccessLogConfig.defaults().interval()).isEmpty();
  }

  @Test
  void aRelativeFileResolvesAgainstTheConfigFolderWithItsRotationAndInterval() {
    AccessLogConfig c = parse(new JsonObject().put("file", "access.log").put("maxSize", "10MiB").put("keep", 3)
        .put("interval", "5m"));
    assertThat(c.file()).contains(dir.resolve("access.log").toAbsolutePath().toString());
    assertThat(c.maxSize()).isEqualTo(10L << 20);
    assertThat(c.keep()).isEqualTo(3);
    assertThat(c.interval()).contains(Duration.ofMinutes(5));
    assertThat(parse(new JsonObject().put("file", "a.log").put("maxSize", "2048")).maxSize()).isEqualTo(2048);
  }

  @Test
  void badValuesAreReportedWithTheirPath() throws Exception {
    Files.createDirectory(dir.resolve("logs"));
    assertThat(problems(new JsonObject().put("file", "missing/access.log").put("maxSize", "10 megs").put("keep", -1)
        .put("interval", "10ms"))).containsExactlyInAnyOrder(
        "accessLog.file: folder " + dir.resolve("missing") + " does not exist; create it or log elsewhere",
        "accessLog.maxSize: '10 megs' is not a size (a whole number of bytes, or with KiB, MiB or GiB, such as 100MiB)",
        "accessLog.keep: -1 is not a count of files (0-1000)",
        "accessLog.interval: 10ms is out of range (1s to 24h)");
    assertThat(problems(new JsonObject().put("file", "logs"))).containsExactly(
        "accessLog.file: " + dir.resolve("logs") + " is a folder; name the log file in it, such as "
            + dir.resolve("logs").resolve("access.log"));
    assertThat(problems(new JsonObject().put("file", "a.log").put("maxSize", "100B")))
        .containsExactly("accessLog.maxSize: 100B is out of range (1KiB to 1024GiB)");
  }

  @Test
  void rotationKeysWithoutAFileAreRefused() {
    assertThat(problems(new JsonObject().put("maxSize", "1MiB").put("keep", 2))).containsExactlyInAnyOrder(
        "accessLog.maxSize: only applies with accessLog.file (stdout is not rotated)",
        "accessLog.keep: only applies with accessLog.file (stdout is not rotated)");
    assertThat(problems(new JsonObject().put("format", "text")).get(0))
        .startsWith("accessLog.format: unknown key (known here: enabled, file, maxSize, keep, interval)");
    assertThat(parse(new JsonObject().put("enabled", false)).file()).isEqualTo(Optional.empty());
  }
}
