package io.archway.proxy.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a channel that saw no read or write for its idle timeout. Cheaper per message than Netty's
 * {@code IdleStateHandler}, which turns every write's void promise into a real one to watch it: here the
 * handlers that read and write call {@link #touch()}, which notes the {@link CoarseClock}'s time, and one
 * timer per channel wakes at most once per timeout to compare (so the close may come up to a tick late).
 * Confined to the channel's event loop.
 */
final class IdleWatch implements Runnable {

  private final Channel channel;
  private final long idleNanos;
  private long lastActivity = CoarseClock.nanoTime();
  private ScheduledFuture<?> check;

  private IdleWatch(Channel channel, long idleNanos) {
    this.channel = channel;
    this.idleNanos = idleNanos;
  }

  /** Starts watching {@code channel}; the watch ends by itself when the channel closes. */
  static IdleWatch start(Channel channel, long idleMillis) {
    IdleWatch watch = new IdleWatch(channel, TimeUnit.MILLISECONDS.toNanos(Math.max(1, idleMillis)));
    watch.schedule(watch.idleNanos);
    channel.closeFuture().addListener(f -> watch.cancel());
    return watch;
  }

  /** Something was read or written. */
  void touch() {
    lastActivity = CoarseClock.nanoTime();
  }

  @Override
  public void run() {
    check = null;
    if (!channel.isActive()) return;
    long quiet = CoarseClock.nanoTime() - lastActivity;
    if (quiet >= idleNanos) {
      channel.close();
    } else {
      schedule(idleNanos - quiet);
    }
  }

  private void schedule(long nanos) {
    check = channel.eventLoop().schedule(this, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }
}
