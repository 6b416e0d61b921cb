package io.archway.proxy.balance;

import java.util.function.IntPredicate;

/**
 * The usable target with the fewest active connections for its weight ({@code active / weight}, compared
 * without division). Targets that tie, such as all of them when connections are short, take turns by
 * smooth weighted round robin, so that weights still count when nobody holds a connection.
 */
final class LeastConnections implements Balancer {

  private final int[] score;
  private final boolean[] ok;

  LeastConnections(int size) {
    this.score = new int[size];
    this.ok = new boolean[size];
  }

  @Override
  public int pick(Candidates targets, IntPredicate usable, byte[] client) {
    int n = score.length;
    long bestActive = -1;
    long bestWeight = 1;
    for (int i = 0; i < n; i++) {
      ok[i] = usable.test(i);
      if (!ok[i]) continue;
      long a = targets.active(i);
      long w = targets.weight(i);
      if (bestActive < 0 || a * bestWeight < bestActive * w) {
        bestActive = a;
        bestWeight = w;
      }
    }
    if (bestActive < 0) return -1;
    int best = -1;
    int total = 0;
    for (int i = 0; i < n; i++) {
      if (!ok[i] || targets.active(i) * bestWeight != bestActive * targets.weight(i)) continue;
      int w = targets.weight(i);
      score[i] += w;
      total += w;
      if (best < 0 || score[i] > score[best]) best = i;
    }
    if (best < 0) return -1;
    score[best] -= total;
    return best;
  }
}
