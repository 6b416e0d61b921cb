package io.archway.proxy.pool;

import io.archway.core.config.PoolConfig;
import io.archway.core.config.TargetConfig;
import io.netty.util.NetUtil;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The addresses of the DNS names among the targets of pools with {@code resolveInterval}, looked up with
 * Vert.x's resolver on that interval by one proxy verticle. A failed or empty lookup keeps the last good
 * addresses (and is logged once until a lookup succeeds again); a change calls back so that the pools
 * are rebuilt with one target per address. Confined to the verticle's context.
 */
public final class DnsTargets {

  private static final Logger LOG = Logger.getLogger(DnsTargets.class.getName());

  private final Vertx vertx;
  private final Context context;
  private final Runnable changed;
  private final Map<String, List<String>> lastGood = new HashMap<>();
  private final Map<String, Long> timers = new HashMap<>();
  private final Map<String, Long> intervals = new HashMap<>();
  private final Set<String> failing = new HashSet<>();
  private boolean closed;

  /** {@code changed} runs on {@code context} whenever a name's addresses change. */
  public DnsTargets(Vertx vertx, Context context, Runnable changed) {
    this.vertx = vertx;
    this.context = context;
    this.changed = changed;
  }

  /** Follows the DNS names of the pools with {@code resolveInterval} (the shortest per name), and no others. */
  public void follow(List<PoolConfig> pools) {
    Map<String, Long> wanted = new HashMap<>();
    for (PoolConfig pc : pools) {
      Duration every = pc.traffic().resolveInterval().orElse(null);
      if (every == null) continue;
      for (TargetConfig t : pc.targets()) {
        if (isName(t.address().host())) wanted.merge(t.address().host(), Math.max(1, every.toMillis()), Math::min);
      }
    }
    for (String host : new HashSet<>(timers.keySet())) {
      if (!wanted.containsKey(host)) {
        vertx.cancelTimer(timers.remove(host));
        intervals.remove(host);
        lastGood.remove(host);
        failing.remove(host);
      }
    }
    wanted.forEach((host, millis) -> {
      if (millis.equals(intervals.get(host))) return;
      Long old = timers.remove(host);
      if (old != null) vertx.cancelTimer(old);
      intervals.put(host, millis);
      timers.put(host, vertx.setPeriodic(1, millis, id -> resolve(host)));
    });
  }

  /** The last good addresses of each DNS name among {@code pool}'s targets that has any, by name. */
  public Map<String, List<String>> addresses(PoolConfig pool) {
    Map<String, List<String>> out = new TreeMap<>();
    if (pool.traffic().resolveInterval().isEmpty()) return out;
    for (TargetConfig t : pool.targets()) {
      List<String> ips = lastGood.get(t.address().host());
      if (ips != null) out.put(t.address().host(), ips);
    }
    return out;
  }

  public void close() {
    closed = true;
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
  }

  private void resolve(String host) {
    ((VertxInternal) vertx).nameResolver().resolveAll(host, ar -> context.runOnContext(v -> {
      if (closed || !timers.containsKey(host)) return;
      List<String> ips = ar.succeeded()
          ? ar.result().stream().map(InetSocketAddress::getAddress).map(NetUtil::toAddressString).distinct().sorted().toList()
          : List.of();
      if (ips.isEmpty()) {
        if (failing.add(host)) {
          String why = ar.succeeded() ? "no address" : String.valueOf(ar.cause().getMessage());
          LOG.warning("DNS lookup of target host " + host + " failed (" + why + "); keeping its last good addresses "
              + lastGood.getOrDefault(host, List.of()) + " until a lookup succeeds");
        }
        return;
      }
      if (failing.remove(host)) LOG.info("DNS lookup of target host " + host + " succeeds again: " + ips);
      if (!ips.equals(lastGood.put(host, ips))) changed.run();
    }));
  }

  /** Whether {@code host} is a name to look up rather than an IP address. */
  static boolean isName(String host) {
    return !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host);
  }
}
