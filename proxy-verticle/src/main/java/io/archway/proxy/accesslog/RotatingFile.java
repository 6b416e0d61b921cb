package io.archway.proxy.accesslog;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * An access-log file rotated by size: before a line would take the file beyond {@code maxSize}, the file
 * becomes {@code FILE.1} (the previous {@code FILE.1} becomes {@code FILE.2}, and so on up to
 * {@code keep}; the oldest is deleted) and a new file starts. A line longer than {@code maxSize} still
 * goes whole into a file of its own. Used by the log's one writer thread only.
 */
final class RotatingFile implements Consumer<String>, AutoCloseable {

  private final Path file;
  private final long maxSize;
  private final int keep;
  private OutputStream out;
  private long size;

  RotatingFile(Path file, long maxSize, int keep) throws IOException {
    this.file = file;
    this.maxSize = maxSize;
    this.keep = keep;
    open();
  }

  /** Writes whole lines (each ending with a newline), rotating between lines as needed. */
  @Override
  public void accept(String lines) {
    try {
      byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
      // Lines from start up to lineStart are pending; before a line that would overflow the file, write
      // what is pending and rotate.
      int start = 0;
      int lineStart = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] != '\n') continue;
        int pending = lineStart - start;
        if (size + pending + (i + 1 - lineStart) > maxSize && size + pending > 0) {
          out.write(bytes, start, pending);
          rotate();
          start = lineStart;
        }
        lineStart = i + 1;
      }
      out.write(bytes, start, bytes.length - start);
      size += bytes.length - start;
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("access log " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private void rotate() throws IOException {
    out.close();
    try {
      if (keep == 0) {
        Files.deleteIfExists(file);
      } else {
        Files.deleteIfExists(numbered(keep));
        for (int i = keep - 1; i >= 1; i--) {
          if (Files.exists(numbered(i))) Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      // Whatever failed, later lines still have a file to go to.
      open();
    }
  }

  private void open() throws IOException {
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    size = Files.size(file);
  }

  private Path numbered(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }
}
