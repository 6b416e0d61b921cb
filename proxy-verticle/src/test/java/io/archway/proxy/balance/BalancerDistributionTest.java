package io.archway.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.config.Balance;
import io.archway.core.config.HostPort;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.PoolHttpConfig;
import io.archway.core.config.PoolTraffic;
import io.archway.core.config.ProbeConfig;
import io.archway.core.config.PoolProtocol;
import io.archway.core.config.TargetConfig;
import io.archway.core.config.TargetState;
import io.archway.core.health.HealthView;
import io.archway.core.health.TargetHealth;
import io.archway.proxy.pool.ActiveConnections;
import io.archway.proxy.pool.Pool;
import io.archway.proxy.pool.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Each algorithm over real {@link Pool} and {@link Target} objects, 10,000 picks or connections at a time:
 * the share each target gets, what unhealthy targets and retries change, and how few clients
 * {@code source-hash} moves when a target leaves.
 */
class BalancerDistributionTest {

  private static final int PICKS = 10_000;

  private final HealthView health = new HealthView();
  private final ActiveConnections active = new ActiveConnections();

  @Test
  void weightedRoundRobinGivesEachTargetExactlyItsShareAndInterleaves() {
    Pool pool = pool(Balance.WEIGHTED_ROUND_ROBIN, 1, 2, 3, 4);
    int[] counts = shortConnections(pool, PICKS);
    // Smooth WRR is exact over every whole cycle of the weights' sum (10 picks).
    assertThat(counts).containsExactly(1_000, 2_000, 3_000, 4_000);

    Pool smooth = pool(Balance.WEIGHTED_ROUND_ROBIN, 5, 1, 1);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 7; i++) order.add(smooth.pick(new int[0], 0, null));
    assertThat(order).containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @Test
  void weightedRoundRobinSharesAnUnhealthyTargetsPartAmongTheOthers() {
    Pool pool = pool(Balance.WEIGHTED_ROUND_ROBIN, 1, 2, 3, 4);
    health.set("p", key(3), TargetHealth.UNHEALTHY);
    int[] counts = shortConnections(pool, 6 * 1_000);
    assertThat(counts).containsExactly(1_000, 2_000, 3_000, 0);
  }

  @Test
  void leastConnectionsKeepsHeldConnectionsInProportionToWeights() {
    Pool pool = pool(Balance.LEAST_CONNECTIONS, 1, 2, 3, 4);
    for (int i = 0; i < PICKS; i++) open(pool, null);
    // active / weight never differs by more than one connection's worth between targets.
    for (int t = 0; t < 4; t++) {
      assertThat(pool.target(t).active()).isBetween(1_000 * (t + 1) - (t + 1), 1_000 * (t + 1) + (t + 1));
    }

    // The clients of target 0 all leave: the next connections go to it until it has its share again.
    int held = pool.target(0).active();
    for (int i = 0; i < held; i++) pool.target(0).released();
    for (int i = 0; i < held; i++) assertThat(open(pool, null)).isEqualTo(0);
  }

  @Test
  void leastConnectionsFollowsWeightsForShortConnectionsToo() {
    int[] counts = shortConnections(pool(Balance.LEAST_CONNECTIONS, 1, 3), PICKS);
    assertThat(counts).containsExactly(2_500, 7_500);
  }

  @Test
  void leastConnectionsUnderChurnStaysWithinAFewConnectionsOfTheWeights() {
    Pool pool = pool(Balance.LEAST_CONNECTIONS, 1, 1, 2);
    List<Integer> open = new ArrayList<>();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < PICKS; i++) {
      open.add(open(pool, null));
      // Keep about 200 open, closing a random one: connections of random lengths.
      if (open.size() > 200) pool.target(open.remove(random.nextInt(open.size()))).released();
    }
    assertThat(pool.target(0).active()).isBetween(40, 60);
    assertThat(pool.target(1).active()).isBetween(40, 60);
    assertThat(pool.target(2).active()).isBetween(90, 110);
  }

  @Test
  void randomTwoKeepsHeldConnectionsCloselyEven() {
    Pool pool = pool(Balance.RANDOM_TWO, 1, 1, 1, 1);
    for (int i = 0; i < PICKS; i++) open(pool, null);
    // The power of two choices: the most loaded target stays within a few connections of the mean.
    for (int t = 0; t < 4; t++) assertThat(pool.target(t).active()).isBetween(2_500 - 10, 2_500 + 10);
  }

  @Test
  void randomTwoDrawsInProportionToWeightsWhenNothingIsHeld() {
    int[] counts = shortConnections(pool(Balance.RANDOM_TWO, 1, 3), PICKS);
    // Loads tie at 0, so the first draw (weighted 1:3) wins: 2,500 expected, sigma about 43.
    assertThat(counts[0]).isBetween(2_300, 2_700);
    assertThat(counts[1]).isBetween(7_300, 7_700);

    Pool weighted = pool(Balance.RANDOM_TWO, 1, 3);
    for (int i = 0; i < PICKS; i++) open(weighted, null);
    assertThat(weighted.target(0).active()).isBetween(2_500 - 10, 2_500 + 10);
    assertThat(weighted.target(1).active()).isBetween(7_500 - 10, 7_500 + 10);
  }

  @Test
  void sourceHashSpreadsClientsEvenlyAndKeepsEachOnItsTarget() {
    Pool pool = pool(Balance.SOURCE_HASH, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    Map<Integer, Integer> first = assign(pool, PICKS);
    int[] counts = new int[10];
    first.values().forEach(t -> counts[t]++);
    for (int c : counts) assertThat(c).isBetween(700, 1_300);
    assertThat(assign(pool, PICKS)).isEqualTo(first);
    // Another pool object (another event loop, another node) with the same targets agrees.
    assertThat(assign(pool(Balance.SOURCE_HASH, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), PICKS)).isEqualTo(first);
  }

  @Test
  void sourceHashMovesOnlyTheClientsOfATargetThatLeaves() {
    Map<Integer, Integer> before = assign(pool(Balance.SOURCE_HASH, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), PICKS);

    // Target 9 removed from the config: a new ring without it.
    Map<Integer, Integer> after = assign(pool(Balance.SOURCE_HASH, 1, 1, 1, 1, 1, 1, 1, 1, 1), PICKS);
    int moved = 0;
    for (var e : before.entrySet()) {
      int now = after.get(e.getKey());
      if (e.getValue() != 9) {
        assertThat(now).as("client %d of a remaining target", e.getKey()).isEqualTo(e.getValue());
      } else {
        moved++;
      }
    }
    // About 1/N of the clients, N = 10.
    assertThat(moved).isBetween(700, 1_300);

    // Target 9 unhealthy instead of removed: the same clients move, and come back when it recovers.
    Pool pool = pool(Balance.SOURCE_HASH, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    health.set("p", key(9), TargetHealth.UNHEALTHY);
    Map<Integer, Integer> unhealthy = assign(pool, PICKS);
    for (var e : before.entrySet()) {
      if (e.getValue() != 9) assertThat(unhealthy.get(e.getKey())).isEqualTo(e.getValue());
      else assertThat(unhealthy.get(e.getKey())).isNotEqualTo(9);
    }
    health.set("p", key(9), TargetHealth.HEALTHY);
    assertThat(assign(pool, PICKS)).isEqualTo(before);
  }

  @Test
  void sourceHashGivesAHeavierTargetMoreClients() {
    Pool pool = pool(Balance.SOURCE_HASH, 1, 1, 2);
    int[] counts = new int[3];
    assign(pool, PICKS).values().forEach(t -> counts[t]++);
    assertThat(counts[0]).isBetween(2_000, 3_000);
    assertThat(counts[1]).isBetween(2_000, 3_000);
    assertThat(counts[2]).isBetween(4_300, 5_700);
  }

  @Test
  void everyAlgorithmHonoursRetriesAndSkipsDisabledAndUnhealthyTargets() {
    for (Balance balance : Balance.values()) {
      List<TargetConfig> targets = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        TargetState state = i == 1 ? TargetState.DISABLED : i == 2 ? TargetState.DRAINING : TargetState.ENABLED;
        targets.add(new TargetConfig(new HostPort("127.0.0.1", 10_000 + i), 1, state));
      }
      Pool pool = pool(balance, targets);
      health.set("p", key(3), TargetHealth.UNHEALTHY);
      byte[] client = {10, 0, 0, 1};
      for (int round = 0; round < 100; round++) {
        int[] tried = new int[3];
        tried[0] = pool.pick(tried, 0, client);
        assertThat(tried[0]).as(balance.keyword()).isIn(0, 4);
        tried[1] = pool.pick(tried, 1, client);
        assertThat(tried[1]).as(balance.keyword()).isIn(0, 4).isNotEqualTo(tried[0]);
        assertThat(pool.pick(tried, 2, client)).as(balance.keyword() + ": nothing left to try").isEqualTo(-1);
      }
      health.set("p", key(3), TargetHealth.HEALTHY);
    }
  }

  private Pool pool(Balance balance, int... weights) {
    List<TargetConfig> targets = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      targets.add(new TargetConfig(new HostPort("127.0.0.1", 10_000 + i), weights[i], TargetState.ENABLED));
    }
    return pool(balance, targets);
  }

  private Pool pool(Balance balance, List<TargetConfig> targets) {
    for (TargetConfig t : targets) {
      if (health.pool("p").get(t.address().toString()) == null) health.set("p", t.address().toString(), TargetHealth.HEALTHY);
    }
    PoolConfig config = new PoolConfig("p", PoolProtocol.TCP, balance, Duration.ofSeconds(1), Duration.ofMinutes(1),
        Duration.ofSeconds(1), 2, Optional.empty(), targets, ProbeConfig.defaults(), PoolHttpConfig.none(),
        PoolTraffic.defaults());
    return new Pool(config, null, health, new SimpleMeterRegistry(), active);
  }

  private static String key(int i) {
    return "127.0.0.1:" + (10_000 + i);
  }

  /** Picks and opens a connection (counted until released); returns the target's index. */
  private static int open(Pool pool, byte[] client) {
    int t = pool.pick(new int[0], 0, client);
    pool.target(t).opening();
    return t;
  }

  /** Connections that close before the next one opens; the count each target got. */
  private static int[] shortConnections(Pool pool, int n) {
    int[] counts = new int[pool.size()];
    for (int i = 0; i < n; i++) {
      int t = open(pool, null);
      pool.target(t).released();
      counts[t]++;
    }
    return counts;
  }

  /** The target of each of {@code n} distinct client addresses (10.x.y.z), by client number. */
  private static Map<Integer, Integer> assign(Pool pool, int n) {
    Map<Integer, Integer> out = new HashMap<>();
    for (int c = 0; c < n; c++) {
      byte[] ip = {10, (byte) (c >> 16), (byte) (c >> 8), (byte) c};
      out.put(c, pool.pick(new int[0], 0, ip));
    }
    return out;
  }
}
