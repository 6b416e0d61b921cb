package io.archway.proxy.listener;

import io.archway.core.config.ListenerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.impl.NetServerInternal;
import io.vertx.core.net.impl.ServerID;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Vert.x shares one server socket per address among the verticles listening on it. A server that
 * listens while the last sharer's socket is still closing joins that dying socket and never accepts
 * (a race in Vert.x 5.0's NetServerImpl, seen when a listener is removed and added back at once).
 * This reads Vert.x's internal registry of shared sockets, and the node's {@link PortClaim}s for the
 * sockets of its own event loops, so that a new listener can wait for the old socket(s) to be gone.
 */
public final class SharedSocket {

  private static final long POLL_MS = 2;
  /** How long a listener waits for the socket an old one gave up at the same address. */
  public static final long RELEASE_WAIT_MS = 2_000;
  private static final long RETRY_MS = 10;

  private SharedSocket() {}

  /**
   * What holds the node's socket(s) at this address now: the Vert.x server that owns the shared socket,
   * or the node's {@link PortClaim} while its event loops listen with sockets of their own; {@code null}
   * when neither.
   */
  public static Object owner(Vertx vertx, String host, int port) {
    Map<ServerID, NetServerInternal> shared = ((VertxInternal) vertx).sharedTcpServers();
    synchronized (shared) {
      NetServerInternal server = shared.get(new ServerID(port, host));
      if (server != null) return server;
    }
    return PortClaim.current(vertx, host, port);
  }

  /**
   * Completes once {@code owner} no longer owns the socket at this address (closed, or replaced), or
   * after {@code timeoutMs} in any case, since other verticles may keep a shared socket open on purpose.
   */
  public static Future<Void> released(Vertx vertx, String host, int port, Object owner, long timeoutMs) {
    if (owner == null || owner(vertx, host, port) != owner) return Future.succeededFuture();
    Promise<Void> promise = Promise.promise();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    vertx.setPeriodic(POLL_MS, id -> {
      if (owner(vertx, host, port) != owner || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      }
    });
    return promise.future();
  }

  /** A listener's socket as the listener stopped: which server owned the shared socket then, and when. */
  public static final class Stopped {
    private final Vertx vertx;
    private final String host;
    private final int port;
    private final Object owner;
    private final long at = System.nanoTime();

    public Stopped(Vertx vertx, String host, int port) {
      this.vertx = vertx;
      this.host = host;
      this.port = port;
      this.owner = owner(vertx, host, port);
    }

    /** Long enough ago that the socket is surely gone. */
    public boolean longAgo() {
      return System.nanoTime() - at > 10 * RELEASE_WAIT_MS * 1_000_000;
    }

    /** Completes once that server gave the socket up, or after {@link #RELEASE_WAIT_MS} in any case. */
    public Future<Void> released() {
      return SharedSocket.released(vertx, host, port, owner, RELEASE_WAIT_MS);
    }
  }

  /**
   * Binds with {@code attempt} (which creates a server, listens, and closes that server if listening
   * failed), retrying every few milliseconds while the address is still in use until {@code deadline}
   * (nanoTime; 0: no retry), for an old listener's socket on its way out (on NIO a closed server socket
   * keeps its port until its selector drops the key). Fails naming the listener, the address and the
   * operating system's reason.
   */
  public static Future<Void> bind(Vertx vertx, ListenerConfig listener, long deadline,
      Supplier<Future<Void>> attempt) {
    return attempt.get().recover(err -> {
      if (deadline != 0 && System.nanoTime() < deadline && reason(err).contains("in use")) {
        Promise<Void> retry = Promise.promise();
        vertx.setTimer(RETRY_MS, id -> bind(vertx, listener, deadline, attempt).onComplete(retry));
        return retry.future();
      }
      return Future.failedFuture(new VertxException(
          "listener '" + listener.name() + "': cannot bind " + address(listener.host(), listener.port()) + ": "
              + reason(err), true));
    });
  }

  /**
   * Binds with {@code listen} (given the deadline for {@link #bind}): at once when nothing was at the
   * address before, else once {@code previous} gave its socket up, retrying for a while after that.
   */
  public static Future<Void> bindAfter(RunningListener previous, LongFunction<Future<Void>> listen) {
    if (previous == null) return listen.apply(0);
    long deadline = System.nanoTime() + RELEASE_WAIT_MS * 1_000_000;
    return previous.socketReleased().compose(v -> listen.apply(deadline));
  }

  /** {@code host:port}, IPv6 hosts in brackets. */
  public static String address(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The operating system's words, without Netty's "bind(..) failed: " prefix. */
  private static String reason(Throwable err) {
    String message = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    int at = message.indexOf("failed: ");
    return at >= 0 ? message.substring(at + "failed: ".length()) : message;
  }
}
