package io.archway.launcher.node;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The folder where a node keeps the last config it applied, written atomically (temp, fsync, rename). */
final class StateDir {

  static final String APPLIED = "applied-config.json";

  private final Path dir;

  StateDir(Path dir) {
    this.dir = dir;
  }

  /** Writes {@code {"version":N,"config":{...}}}; a crash leaves the old file or the new one, never half. */
  void writeApplied(long version, JsonObject config) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(APPLIED + ".tmp");
    byte[] bytes = new JsonObject().put("version", version).put("config", config).encodePrettily()
        .getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(APPLIED), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
