package io.archway.proxy.balance;

import java.util.function.IntPredicate;

/**
 * Smooth weighted round robin, as NGINX does it: every pick adds each usable target's weight to its
 * running score, takes the highest score, and subtracts the sum of the weights from the winner. Over
 * any run of picks each target gets its share of the weights, interleaved: weights 5, 1, 1 give
 * {@code a a b a c a a}, not five {@code a} in a row. Shared by the node's event loops (one sequence
 * for the node), so its pick is synchronized.
 */
final class WeightedRoundRobin implements Balancer {

  private final int[] score;

  WeightedRoundRobin(int size) {
    this.score = new int[size];
  }

  @Override
  public synchronized int pick(Candidates targets, IntPredicate usable, byte[] client) {
    int best = -1;
    int total = 0;
    for (int i = 0; i < score.length; i++) {
      if (!usable.test(i)) continue;
      int w = targets.weight(i);
      score[i] += w;
      total += w;
      if (best < 0 || score[i] > score[best]) best = i;
    }
    if (best >= 0) score[best] -= total;
    return best;
  }
}
