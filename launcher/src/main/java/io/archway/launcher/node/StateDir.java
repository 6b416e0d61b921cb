package io.archway.launcher.node;

import io.archway.core.store.VersionedConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The folder where a node keeps the last config it applied, so that a cluster restarted as a whole comes
 * back with the changes made through the API. Written atomically (temp file, fsync, rename) and readable
 * by its owner only, since it holds the config as applied, passwords included.
 */
final class StateDir {

  static final String APPLIED = "applied-config.json";

  private final Path dir;

  StateDir(Path dir) {
    this.dir = dir;
  }

  Path appliedFile() {
    return dir.resolve(APPLIED);
  }

  /** Writes {@code {"version":N,"config":{...}}}; a crash leaves the old file or the new one, never half. */
  void writeApplied(VersionedConfig applied) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(APPLIED + ".tmp");
    Files.deleteIfExists(tmp);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    byte[] bytes = applied.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) ch.write(buffer);
      ch.force(true);
    }
    Files.move(tmp, appliedFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The last applied config, if one was written and is readable. */
  Optional<VersionedConfig> readApplied() throws IOException {
    Path file = appliedFile();
    if (!Files.isRegularFile(file)) return Optional.empty();
    return Optional.of(VersionedConfig.fromJson(Files.readString(file)));
  }

  Optional<FileTime> appliedTime() throws IOException {
    Path file = appliedFile();
    return Files.isRegularFile(file) ? Optional.of(Files.getLastModifiedTime(file)) : Optional.empty();
  }
}
