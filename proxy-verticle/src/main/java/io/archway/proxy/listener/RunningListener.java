package io.archway.proxy.listener;

import io.archway.proxy.pool.Pool;
import io.archway.proxy.relay.Termination;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A listener address bound on one proxy verticle, whatever it speaks (TCP and TLS relays, or HTTP):
 * what the verticle needs to bind it, drain it and stop it. Confined to the verticle's context.
 */
public interface RunningListener {

  /**
   * Completes once the address is bound; fails naming the listener, the address and the cause.
   * {@code previous} is a listener that stopped at this address and may still hold its socket, or null.
   */
  Future<Void> bind(RunningListener previous);

  /** Stops accepting and drains for the pool's drain timeout. */
  Future<Void> stop(Termination why);

  /**
   * Stops accepting at once; open connections may finish within {@code drain}, then the rest are closed
   * with {@code why}. Completes when none is left.
   */
  Future<Void> stop(Termination why, Duration drain);

  /** Closes every connection of this listener now, also while it drains. */
  void closeNow(Termination why);

  /** This listener's socket as it stopped (its owner then, and when); null while it runs. */
  SharedSocket.Stopped stoppedSocket();

  /** True when this listener stopped long enough ago that its socket is surely gone. */
  default boolean stoppedLongAgo() {
    SharedSocket.Stopped socket = stoppedSocket();
    return socket != null && socket.longAgo();
  }

  /** Completes once the socket this listener held at its stop is gone (or after a bounded wait). */
  default Future<Void> socketReleased() {
    SharedSocket.Stopped socket = stoppedSocket();
    return socket == null ? Future.succeededFuture() : socket.released();
  }

  /** Ends connections to targets their pool no longer lists or drains; called after every apply. */
  void drainTargets(Map<String, Pool> pools);

  /**
   * Interim access-log lines for connections still open, each {@code interval} (empty: none). Only
   * connection listeners have them: an HTTP listener logs each request when it ends.
   */
  default void logEvery(Optional<Duration> interval) {}
}
