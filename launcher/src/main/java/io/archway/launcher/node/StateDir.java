package io.archway.launcher.node;

import io.archway.core.store.VersionedConfig;
import io.vertx.core.json.JsonObject;
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
import java.util.logging.Logger;

/**
 * The folder where a node keeps the last config it applied, so that a cluster restarted as a whole comes
 * back with the changes made through the API. Written atomically (temp file, fsync, rename) and readable
 * by its owner only, since it holds the config as applied, passwords included.
 */
final class StateDir {

  private static final Logger LOG = Logger.getLogger(StateDir.class.getName());

  static final String APPLIED = "applied-config.json";

  private final Path dir;

  StateDir(Path dir) {
    this.dir = dir;
  }

  Path appliedFile() {
    return dir.resolve(APPLIED);
  }

  /**
   * Fails with a message naming the folder unless it exists (or can be made) and takes a file: checked at
   * start, so that a node that could never keep its state does not run as if it did.
   */
  void checkWritable() {
    Path probe = dir.resolve(APPLIED + ".probe");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(probe);
      Files.createFile(probe);
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new IllegalStateException("state dir " + dir + " cannot be written (" + e.getClass().getSimpleName()
          + ": " + e.getMessage() + "); set --state-dir or node.stateDir to a folder this process can write", e);
    }
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

  /**
   * What a node that finds no cluster config starts with: the config it last applied, unless the config
   * file was modified after that was written (newer intent, published as the next version); the file's
   * config as version 1 when there is no readable state.
   */
  VersionedConfig restoreOr(JsonObject fromFile, Optional<FileTime> fileModified) {
    Optional<VersionedConfig> saved;
    Optional<FileTime> savedAt;
    try {
      saved = readApplied();
      savedAt = appliedTime();
    } catch (IOException | RuntimeException e) {
      LOG.warning(() -> "ignoring unreadable " + appliedFile() + ": " + e.getMessage());
      return new VersionedConfig(1, fromFile);
    }
    if (saved.isEmpty() || savedAt.isEmpty()) return new VersionedConfig(1, fromFile);
    long version = saved.get().version();
    if (fileModified.isPresent() && fileModified.get().compareTo(savedAt.get()) > 0) {
      LOG.info(() -> "the config file was edited after " + appliedFile() + " (version " + version
          + ") was written: publishing the file's config as version " + (version + 1));
      return new VersionedConfig(version + 1, fromFile);
    }
    LOG.info(() -> "restoring config version " + version + " from " + appliedFile());
    return saved.get();
  }

  Optional<FileTime> appliedTime() throws IOException {
    Path file = appliedFile();
    return Files.isRegularFile(file) ? Optional.of(Files.getLastModifiedTime(file)) : Optional.empty();
  }
}
