package io.archway.proxy.balance;

/** What a balancer may know of a pool's targets: how many, their weights, their load, their names. */
public interface Candidates {

  int size();

  /** 1-256; 1 for every target of a {@code round-robin} pool. */
  int weight(int index);

  /** Connections open or being opened to the target now, on this node (every event loop). */
  int active(int index);

  /** {@code host:port}: stable across config changes, so hashing it keeps a target's place. */
  String key(int index);
}
