package io.archway.proxy.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock for what is touched on every message and where a few milliseconds do not matter (the idle
 * timeouts): {@link System#nanoTime()} as one daemon thread last read it, at most {@link #TICK_NANOS}
 * ago. Reading it is a field load where {@code nanoTime()} is a call into the kernel's clock page; an
 * HTTP exchange touches its connections' idle watches about five times.
 */
final class CoarseClock {

  /** How often the time is read: an idle timeout may run this much late. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static volatile long now = System.nanoTime();

  static {
    Thread ticker = new Thread(CoarseClock::tick, "archway-coarse-clock");
    ticker.setDaemon(true);
    ticker.start();
  }

  private CoarseClock() {}

  /** {@link System#nanoTime()}, as it was at most {@link #TICK_NANOS} ago. */
  static long nanoTime() {
    return now;
  }

  private static void tick() {
    while (true) {
      LockSupport.parkNanos(TICK_NANOS);
      now = System.nanoTime();
    }
  }
}
