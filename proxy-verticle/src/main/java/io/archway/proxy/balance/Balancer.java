package io.archway.proxy.balance;

import io.archway.core.config.Balance;
import java.util.function.IntPredicate;

/**
 * Picks the target of a new connection among a pool's targets. One per pool per proxy verticle, used on
 * that verticle's event loop only, so implementations need no synchronization for their own state;
 * except {@code round-robin} and {@code weighted-round-robin}, one per pool per node, shared by the event
 * loops so that the turn is the node's (their picks are synchronized).
 */
public interface Balancer {

  /**
   * The index in {@code [0, targets.size())} of the target for a client at {@code client} (its IP address
   * bytes, 4 or 16), among those {@code usable} accepts (enabled, healthy, not tried yet for this client);
   * -1 when there is none.
   */
  int pick(Candidates targets, IntPredicate usable, byte[] client);

  /** The balancer of {@code balance} over {@code targets} (their count, weights and keys are fixed). */
  static Balancer of(Balance balance, Candidates targets) {
    return switch (balance) {
      case ROUND_ROBIN -> new RoundRobin();
      case WEIGHTED_ROUND_ROBIN -> new WeightedRoundRobin(targets.size());
      case LEAST_CONNECTIONS -> new LeastConnections(targets.size());
      case RANDOM_TWO -> new RandomTwo(targets.size());
      case SOURCE_HASH -> new SourceHash(targets);
    };
  }
}
