package io.archway.proxy.accesslog;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * The clock of interim lines for one listener: ticks ten times per interval (at least every 100 ms) and
 * hands the listener a test that says, from a connection's accept time, whether it completed another
 * whole interval since the previous tick. So a connection open for days gets one {@link OpenConnectionLine}
 * per interval (each within a tenth of an interval of being due) with no timer of its own. Confined to
 * the listener's context.
 */
public final class OpenLines {

  private final Vertx vertx;
  private final Duration interval;
  private final long intervalMillis;
  private final long timer;
  private long previous;

  private OpenLines(Vertx vertx, Duration interval, Consumer<LongPredicate> tick) {
    this.vertx = vertx;
    this.interval = interval;
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.previous = System.currentTimeMillis();
    long period = Math.max(100, intervalMillis / 10);
    this.timer = vertx.setPeriodic(period, id -> {
      long now = System.currentTimeMillis();
      long before = previous;
      previous = now;
      tick.accept(acceptMillis -> due(acceptMillis, before, now));
    });
  }

  /**
   * Calls {@code tick} periodically with a test of a connection's accept time (epoch millis): true when
   * the connection needs a line now. Stop with {@link #cancel()}.
   */
  public static OpenLines every(Vertx vertx, Duration interval, Consumer<LongPredicate> tick) {
    return new OpenLines(vertx, interval, tick);
  }

  public Duration interval() {
    return interval;
  }

  public void cancel() {
    vertx.cancelTimer(timer);
  }

  private boolean due(long acceptMillis, long before, long now) {
    long intervalsNow = (now - acceptMillis) / intervalMillis;
    long intervalsBefore = before < acceptMillis ? 0 : (before - acceptMillis) / intervalMillis;
    return intervalsNow >= 1 && intervalsNow > intervalsBefore;
  }
}
