package io.archway.proxy.balance;

import java.util.function.IntPredicate;

/**
 * Round robin over a pool's targets by index: each pick starts after the previous one and skips the
 * targets the caller cannot use (disabled, unhealthy, already tried). Weights are not used. Shared by
 * the node's event loops (one turn for the node), so its pick is synchronized.
 */
public final class RoundRobin implements Balancer {

  private int next;

  @Override
  public int pick(Candidates targets, IntPredicate usable, byte[] client) {
    return pick(targets.size(), usable);
  }

  /** The next index in {@code [0, count)} that {@code usable} accepts, or -1 when there is none. */
  public synchronized int pick(int count, IntPredicate usable) {
    for (int i = 0; i < count; i++) {
      int index = (next + i) % count;
      if (usable.test(index)) {
        next = (index + 1) % count;
        return index;
      }
    }
    return -1;
  }
}
