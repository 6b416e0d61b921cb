package io.archway.proxy.balance;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * The power of two choices: draws two different usable targets at random (each in proportion to its
 * weight) and takes the one with fewer active connections for its weight, the first on a tie. Nearly as even as
 * least-connections, without every node and event loop herding onto the same least-loaded target.
 */
final class RandomTwo implements Balancer {

  private final int[] usableIndexes;

  RandomTwo(int size) {
    this.usableIndexes = new int[size];
  }

  @Override
  public int pick(Candidates targets, IntPredicate usable, byte[] client) {
    int m = 0;
    int total = 0;
    for (int i = 0; i < usableIndexes.length; i++) {
      if (usable.test(i)) {
        usableIndexes[m++] = i;
        total += targets.weight(i);
      }
    }
    if (m == 0) return -1;
    if (m == 1) return usableIndexes[0];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = draw(targets, m, random.nextInt(total), -1);
    int b = draw(targets, m, random.nextInt(total - targets.weight(a)), a);
    // a * wb < b * wa  <=>  active(a) / weight(a) < active(b) / weight(b)
    long la = (long) targets.active(a) * targets.weight(b);
    long lb = (long) targets.active(b) * targets.weight(a);
    // On a tie the first draw wins: with nothing held, targets are then chosen in proportion to weight.
    return lb < la ? b : a;
  }

  /** The usable target at {@code point} of the weights laid end to end, leaving out {@code skip}. */
  private int draw(Candidates targets, int m, int point, int skip) {
    for (int k = 0; k < m; k++) {
      int i = usableIndexes[k];
      if (i == skip) continue;
      point -= targets.weight(i);
      if (point < 0) return i;
    }
    throw new IllegalStateException("weights changed during a pick");
  }
}
