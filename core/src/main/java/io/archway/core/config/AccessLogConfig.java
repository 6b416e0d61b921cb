package io.archway.core.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether and where this node writes one JSON line per connection: stdout, or a file rotated by size
 * with {@code keep} older files; {@code interval}, when present, adds a line for every connection still
 * open each time it has run another interval.
 *
 * @param file the log file (absolute); empty: stdout
 * @param maxSize rotate once the file would grow beyond this many bytes
 * @param keep rotated files kept ({@code FILE.1} the newest); 0: the file restarts empty
 */
public record AccessLogConfig(
    boolean enabled, Optional<String> file, long maxSize, int keep, Optional<Duration> interval) {

  public static final long DEFAULT_MAX_SIZE = 100L << 20;
  public static final long MIN_MAX_SIZE = 1L << 10;
  public static final long MAX_MAX_SIZE = 1L << 40;
  public static final int DEFAULT_KEEP = 5;
  public static final int MAX_KEEP = 1000;
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  public static AccessLogConfig defaults() {
    return new AccessLogConfig(true, Optional.empty(), DEFAULT_MAX_SIZE, DEFAULT_KEEP, Optional.empty());
  }

  /** Stdout or a file as this config says, without the interval. */
  public AccessLogConfig(boolean enabled) {
    this(enabled, Optional.empty(), DEFAULT_MAX_SIZE, DEFAULT_KEEP, Optional.empty());
  }
}
