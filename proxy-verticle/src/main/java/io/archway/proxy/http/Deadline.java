package io.archway.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The route timeout of the exchange in flight on one client connection (or HTTP/2 stream). Arming and
 * clearing it only sets a field: a scheduled check ({@link Check}) wakes when the earliest deadline may
 * have passed and looks, instead of a timer scheduled and cancelled for every request (most answer
 * long before their timeout). An HTTP/1.x connection has a check of its own; the streams of an HTTP/2
 * connection share one. Confined to the connection's event loop.
 */
final class Deadline {

  /** {@link #look} found nothing armed: no need to look again. */
  static final long NEVER = Long.MAX_VALUE;

  private final Check check;
  private Runnable onExpiry;
  private long at;

  /** A deadline looked at by {@code check} (shared or not); {@link #cancel()} ends it. */
  Deadline(Check check) {
    this.check = check;
  }

  /** A deadline with a check of its own, which ends by itself when {@code channel} closes. */
  static Deadline of(Channel channel) {
    Check own = new Check(channel.eventLoop(), null);
    Deadline deadline = new Deadline(own);
    own.looks = deadline::look;
    channel.closeFuture().addListener(f -> own.cancel());
    return deadline;
  }

  /** Nothing expires any more. */
  void cancel() {
    onExpiry = null;
  }

  /** Runs {@code expired} in {@code millis} unless cleared or armed again before. */
  void arm(Runnable expired, long millis) {
    onExpiry = expired;
    at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
    check.lookBy(at);
  }

  /** Clears the deadline if {@code expired} is the one armed. */
  void clear(Runnable expired) {
    if (onExpiry == expired) onExpiry = null;
  }

  /**
   * Runs the armed expiry if it is due at {@code now}: when to look again, or {@link #NEVER} when nothing
   * is armed any more.
   */
  long look(long now) {
    Runnable expired = onExpiry;
    if (expired == null) return NEVER;
    if (now - at < 0) return at;
    onExpiry = null;
    expired.run();
    // The expiry may have armed the deadline anew.
    return onExpiry == null ? NEVER : at;
  }

  /**
   * One scheduled task that looks at deadlines when the earliest may have passed: rescheduled only when
   * a deadline is armed earlier than it wakes.
   */
  static final class Check implements Runnable {

    /** Looks at the deadlines this check serves: when to look again, or {@link #NEVER}. */
    interface Looks {
      long look(long now);
    }

    private final EventLoop loop;
    private Looks looks;
    private ScheduledFuture<?> scheduled;
    private long wakeAt;

    Check(EventLoop loop, Looks looks) {
      this.loop = loop;
      this.looks = looks;
    }

    /** A deadline at {@code at} was armed: wake by then. */
    void lookBy(long at) {
      if (scheduled != null) {
        if (wakeAt - at <= 0) return;
        scheduled.cancel(false);
      }
      schedule(at);
    }

    /** No more looking: the connection is gone. */
    void cancel() {
      if (scheduled != null) {
        scheduled.cancel(false);
        scheduled = null;
      }
    }

    @Override
    public void run() {
      scheduled = null;
      long next = looks.look(System.nanoTime());
      if (next != NEVER) lookBy(next);
    }

    private void schedule(long when) {
      wakeAt = when;
      scheduled = loop.schedule(this, Math.max(0, when - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }
}
