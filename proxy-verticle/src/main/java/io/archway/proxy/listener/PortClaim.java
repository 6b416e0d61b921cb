package io.archway.proxy.listener;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node's hold on one listener address while each of its event loops listens there with a socket of
 * its own ({@link LoopAcceptor}). Those sockets share the port through {@code SO_REUSEPORT}, which
 * would also let any other process of the same user listen on it and take a share of the connections
 * unnoticed. So, unless the listener asks for {@code reusePort}, the first event loop to claim the
 * address checks once, for all of them, that nothing else listens there: it binds a plain socket (no
 * {@code SO_REUSEPORT}) and closes it at once, and the address in use fails the bind as it always
 * did. The claim lasts until the last of the node's sockets at the address is closed; a listener that
 * comes back to the address after that claims it afresh (see {@link SharedSocket#owner}).
 */
final class PortClaim {

  /** The claims of each Vert.x instance (a node; tests run several in one JVM), by address. */
  private static final Map<Vertx, Map<String, PortClaim>> CLAIMS = new IdentityHashMap<>();

  private final Vertx vertx;
  private final String key;
  /** Why the address cannot be claimed, or null. */
  private final IOException problem;
  private int sockets;
  /** The node's event loops listening at this address now. */
  private final List<LoopAcceptor> acceptors = new CopyOnWriteArrayList<>();

  private PortClaim(Vertx vertx, String key, IOException problem) {
    this.vertx = vertx;
    this.key = key;
    this.problem = problem;
  }

  /**
   * Joins the node's claim on {@code host:port}, making it (and checking the address, unless
   * {@code shared}) when there is none. Every join is matched by one {@link #leave}.
   */
  static PortClaim join(Vertx vertx, String host, int port, boolean shared) {
    synchronized (CLAIMS) {
      Map<String, PortClaim> claims = CLAIMS.computeIfAbsent(vertx, v -> new HashMap<>());
      String key = SharedSocket.address(host, port);
      PortClaim claim = claims.get(key);
      if (claim == null) {
        claim = new PortClaim(vertx, key, shared ? null : check(host, port));
        claims.put(key, claim);
      }
      claim.sockets++;
      return claim;
    }
  }

  /** The node's claim on this address now, or null. */
  static PortClaim current(Vertx vertx, String host, int port) {
    synchronized (CLAIMS) {
      Map<String, PortClaim> claims = CLAIMS.get(vertx);
      return claims == null ? null : claims.get(SharedSocket.address(host, port));
    }
  }

  /** Why the address could not be claimed (the operating system's error), or null. */
  IOException problem() {
    return problem;
  }

  void add(LoopAcceptor acceptor) {
    acceptors.add(acceptor);
  }

  void remove(LoopAcceptor acceptor) {
    acceptors.remove(acceptor);
  }

  /**
   * Where a connection {@code accepting} took should go: to {@code accepting} itself unless it has more
   * open connections than another loop at this address by more than {@code 2 + open / 8}; then to the
   * loop with the fewest. The slack keeps a new connection per request from hopping for a difference
   * of a few, which comes and goes; kept-alive clients end up within about an eighth of each other.
   */
  LoopAcceptor lightest(LoopAcceptor accepting) {
    int mine = accepting.open();
    LoopAcceptor best = accepting;
    int fewest = mine;
    for (LoopAcceptor other : acceptors) {
      int theirs = other.open();
      if (theirs < fewest && other.accepting()) {
        fewest = theirs;
        best = other;
      }
    }
    return hops(mine, fewest) ? best : accepting;
  }

  /** Whether a loop with {@code mine} open connections passes a new one to a loop with {@code fewest}. */
  static boolean hops(int mine, int fewest) {
    return mine - fewest > 2 + mine / 8;
  }

  /** The open connections of each of the node's event loops at this address. */
  int[] openPerLoop() {
    return acceptors.stream().mapToInt(LoopAcceptor::open).toArray();
  }

  /** One socket of the node at this address is closed (or was never bound). */
  void leave() {
    synchronized (CLAIMS) {
      if (--sockets > 0) return;
      Map<String, PortClaim> claims = CLAIMS.get(vertx);
      if (claims != null && claims.get(key) == this) {
        claims.remove(key);
        if (claims.isEmpty()) CLAIMS.remove(vertx);
      }
    }
  }

  /** Null when a plain socket can bind {@code host:port} now; the bind's error otherwise. */
  private static IOException check(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      // As the listener's own sockets: connections of an earlier listener in TIME_WAIT do not block it.
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
      return null;
    } catch (IOException e) {
      return e;
    }
  }
}
