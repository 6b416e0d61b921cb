package io.archway.proxy.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The route timeout of the exchange in flight on one client connection. Arming and clearing it only
 * sets a field: one scheduled check per connection wakes when the earliest deadline may have passed and
 * looks, instead of a timer scheduled and cancelled for every request (most answer long before their
 * timeout). Confined to the channel's event loop.
 */
final class Deadline implements Runnable {

  private final Channel channel;
  private Runnable onExpiry;
  private long at;
  private ScheduledFuture<?> check;
  private long checkAt;

  Deadline(Channel channel) {
    this.channel = channel;
    channel.closeFuture().addListener(f -> {
      onExpiry = null;
      if (check != null) check.cancel(false);
    });
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
    check = channel.eventLoop().schedule(this, Math.max(0, when - System.nanoTime()), TimeUnit.NANOSECONDS);
  }
}
