package io.archway.core.log;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A warning that may fire on every connection but is written at most once per interval; the next line
 * says how many were left out. For conditions that last (out of file descriptors), where one line says
 * it all and thousands would bury everything else.
 */
public final class RateLimitedLog {

  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong last;
  private final AtomicLong skipped = new AtomicLong();

  public RateLimitedLog(String logger, long intervalMillis) {
    this.log = Logger.getLogger(logger);
    this.intervalNanos = intervalMillis * 1_000_000;
    this.last = new AtomicLong(System.nanoTime() - intervalNanos);
  }

  /** Writes the line unless one was written less than an interval ago. */
  public void log(Supplier<String> line) {
    long now = System.nanoTime();
    long before = last.get();
    if (now - before < intervalNanos || !last.compareAndSet(before, now)) {
      skipped.incrementAndGet();
      return;
    }
    long more = skipped.getAndSet(0);
    log.log(Level.WARNING, line.get() + (more > 0 ? " [" + more + " more like it not logged]" : ""));
  }
}
