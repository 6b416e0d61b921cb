package io.archway.core.config;

import java.util.List;

/**
 * Who may connect to a listener and how often: limits, access lists, and an accepted PROXY header.
 * A limit of 0 means none.
 *
 * @param acceptProxyProtocol every client starts with a PROXY v1 or v2 header whose source is the client
 * @param maxConnections open connections of this listener on one node
 * @param maxConnectionsPerClient open connections of one client address on one node
 * @param clientRatePerSecond new connections per second of one client address (token bucket refill)
 * @param clientBurst the bucket's size: new connections one client may open at once
 * @param allow when not empty, only clients in these blocks are accepted
 * @param deny clients in these blocks are refused, whatever {@code allow} says
 */
public record ListenerPolicy(
    boolean acceptProxyProtocol,
    int maxConnections,
    int maxConnectionsPerClient,
    int clientRatePerSecond,
    int clientBurst,
    List<Cidr> allow,
    List<Cidr> deny) {

  public ListenerPolicy {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }

  public static ListenerPolicy defaults() {
    return new ListenerPolicy(false, 0, 0, 0, 0, List.of(), List.of());
  }

  /** Whether any limit or access list applies (the listener then admits each client explicitly). */
  public boolean admits() {
    return maxConnections > 0 || maxConnectionsPerClient > 0 || clientRatePerSecond > 0
        || !allow.isEmpty() || !deny.isEmpty();
  }
}
