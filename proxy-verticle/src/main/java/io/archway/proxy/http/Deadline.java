package io.archway.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The route timeout of the exchange in flight on one client connection (or HTTP/2 stream). Arming and
 * clearing it only sets a field: one scheduled check per connection wakes when the earliest deadline
 * may have passed and looks, instead of a timer scheduled and cancelled for every request (most answer
 * long before their timeout). Confined to the connection's event loop.
 */
final class Deadline implements Runnable {

  private final EventLoop loop;
  private Runnable onExpiry;
  private long at;
  private ScheduledFuture<?> check;
  private long checkAt;

  /** A deadline on {@code loop}; {@link #cancel()} ends it. */
  Deadline(EventLoop loop) {
    this.loop = loop;
  }

  /** A deadline that ends by itself when {@code channel} closes. */
  static Deadline of(Channel channel) {
    Deadline deadline = new Deadline(channel.eventLoop());
    channel.closeFuture().addListener(f -> deadline.cancel());
    return deadline;
  }

  /** Nothing expires any more. */
  void cancel() {
    onExpiry = null;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  /** Runs {@code expired} in {@code millis} unless cleared or armed again before. */
  void arm(Runnable expired, long millis) {
    onExpiry = expired;
    at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
    if (check != null && checkAt - at <= 0) return;
    if (check != null) check.cancel(false);
    schedule(at);
  }

  /** Clears the deadline if {@code expired} is the one armed. */
  void clear(Runnable expired) {
    if (onExpiry == expired) onExpiry = null;
  }

  @Override
  public void run() {
    check = null;
    Runnable expired = onExpiry;
    if (expired == null) return;
    if (System.nanoTime() - at >= 0) {
      onExpiry = null;
      expired.run();
    } else {
      schedule(at);
    }
  }

  private void schedule(long when) {
    checkAt = when;
    check = loop.schedule(this, Math.max(0, when - System.nanoTime()), TimeUnit.NANOSECONDS);
  }
}
