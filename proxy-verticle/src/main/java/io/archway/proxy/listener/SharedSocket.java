package io.archway.proxy.listener;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.impl.NetServerInternal;
import io.vertx.core.net.impl.ServerID;
import java.util.Map;

/**
 * Vert.x shares one server socket per address among the verticles listening on it. A server that
 * listens while the last sharer's socket is still closing joins that dying socket and never accepts
 * (a race in Vert.x 5.0's NetServerImpl, seen when a listener is removed and added back at once).
 * This reads Vert.x's internal registry of shared sockets so that a new listener can wait for the
 * old socket to be gone first.
 */
public final class SharedSocket {

  private static final long POLL_MS = 2;

  private SharedSocket() {}

  /** The server that owns the shared socket at this address now, or {@code null}. */
  public static Object owner(Vertx vertx, String host, int port) {
    Map<ServerID, NetServerInternal> shared = ((VertxInternal) vertx).sharedTcpServers();
    synchronized (shared) {
      return shared.get(new ServerID(port, host));
    }
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
}
