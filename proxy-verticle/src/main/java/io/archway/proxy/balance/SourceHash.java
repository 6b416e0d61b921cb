package io.archway.proxy.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Client IP affinity on a consistent hash ring: each target owns points on a ring of 64-bit hashes
 * (160 per unit of weight, after dividing the weights by their greatest common divisor) placed by its
 * {@code host:port}, and a client goes to the owner of the first point at or after the hash of its IP
 * address, skipping targets it cannot use. Every node and event loop builds the same ring, so a client
 * lands on the same target whichever takes its connection. When one of N targets leaves (removed,
 * unhealthy, draining), only its own clients, about 1/N of them, move; a target that joins takes
 * about 1/(N+1) from the others.
 */
final class SourceHash implements Balancer {

  static final int POINTS_PER_WEIGHT = 160;
  /** Bounds the ring's memory (12 bytes a point) for pools with many heavy targets. */
  static final int MAX_POINTS = 1 << 20;

  private final long[] points;
  private final int[] owners;

  SourceHash(Candidates targets) {
    int n = targets.size();
    int gcd = 0;
    long sum = 0;
    for (int i = 0; i < n; i++) {
      gcd = gcd(gcd, targets.weight(i));
      sum += targets.weight(i);
    }
    long perWeight = Math.max(1, Math.min(POINTS_PER_WEIGHT, MAX_POINTS * (long) Math.max(gcd, 1) / Math.max(sum, 1)));
    long[][] all = new long[n][];
    int count = 0;
    for (int i = 0; i < n; i++) {
      int pointsOfTarget = (int) (perWeight * targets.weight(i) / Math.max(gcd, 1));
      all[i] = new long[pointsOfTarget];
      byte[] key = targets.key(i).getBytes(StandardCharsets.UTF_8);
      for (int p = 0; p < pointsOfTarget; p++) all[i][p] = hash(key, p);
      count += pointsOfTarget;
    }
    long[] packedPoints = new long[count];
    int[] packedOwners = new int[count];
    Integer[] order = new Integer[count];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (long p : all[i]) {
        packedPoints[k] = p;
        packedOwners[k] = i;
        order[k] = k;
        k++;
      }
    }
    // Equal hashes (astronomically rare) go to the lower key, the same on every node.
    Arrays.sort(order, (x, y) -> {
      int c = Long.compare(packedPoints[x], packedPoints[y]);
      return c != 0 ? c : targets.key(packedOwners[x]).compareTo(targets.key(packedOwners[y]));
    });
    this.points = new long[count];
    this.owners = new int[count];
    for (int j = 0; j < count; j++) {
      points[j] = packedPoints[order[j]];
      owners[j] = packedOwners[order[j]];
    }
  }

  @Override
  public int pick(Candidates targets, IntPredicate usable, byte[] client) {
    if (points.length == 0) return -1;
    long h = hash(client == null ? new byte[0] : client, -1);
    int at = Arrays.binarySearch(points, h);
    if (at < 0) at = -at - 1;
    // Walk the ring to the first usable owner; remember who was already refused to stop early.
    boolean[] refused = null;
    int refusedCount = 0;
    int n = targets.size();
    for (int step = 0; step < points.length && refusedCount < n; step++) {
      int owner = owners[(at + step) % points.length];
      if (refused != null && refused[owner]) continue;
      if (usable.test(owner)) return owner;
      if (refused == null) refused = new boolean[n];
      refused[owner] = true;
      refusedCount++;
    }
    return -1;
  }

  /** FNV-1a over the bytes and the point number, then a 64-bit finalizer so that near keys land far apart. */
  static long hash(byte[] data, int point) {
    long h = 0xcbf29ce484222325L;
    for (byte b : data) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= point;
    h *= 0x100000001b3L;
    h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
    h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
