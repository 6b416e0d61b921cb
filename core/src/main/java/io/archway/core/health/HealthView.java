package io.archway.core.health;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's view of target health: written by the health verticle, read by every proxy verticle
 * when it picks a target. A target nobody has probed yet is unhealthy.
 */
public final class HealthView {

  private final Map<String, Map<String, TargetHealth>> pools = new ConcurrentHashMap<>();

  /** The live map of one pool's targets (by address), for readers that look up on every connection. */
  public Map<String, TargetHealth> pool(String pool) {
    return pools.computeIfAbsent(pool, p -> new ConcurrentHashMap<>());
  }

  public TargetHealth get(String pool, String target) {
    return pool(pool).getOrDefault(target, TargetHealth.UNHEALTHY);
  }

  public boolean isHealthy(String pool, String target) {
    return get(pool, target) == TargetHealth.HEALTHY;
  }

  /** Records a state; returns the previous one (unhealthy when there was none). */
  public TargetHealth set(String pool, String target, TargetHealth health) {
    TargetHealth previous = pool(pool).put(target, health);
    return previous == null ? TargetHealth.UNHEALTHY : previous;
  }

  /** Forgets targets and pools that the config no longer has. */
  public void retain(Map<String, ? extends java.util.Collection<String>> targetsByPool) {
    pools.keySet().retainAll(targetsByPool.keySet());
    pools.forEach((pool, targets) -> targets.keySet().retainAll(targetsByPool.get(pool)));
  }

  /** A copy of every pool's targets and their states. */
  public Map<String, Map<String, TargetHealth>> snapshot() {
    Map<String, Map<String, TargetHealth>> copy = new java.util.TreeMap<>();
    pools.forEach((pool, targets) -> copy.put(pool, new java.util.TreeMap<>(targets)));
    return copy;
  }
}
