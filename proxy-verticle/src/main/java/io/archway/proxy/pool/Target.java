package io.archway.proxy.pool;

import io.archway.core.config.HostPort;
import io.archway.core.config.TargetConfig;
import io.archway.core.config.TargetState;
import io.archway.core.config.PassiveHealth;
import io.micrometer.core.instrument.Counter;
import java.util.logging.Logger;

/**
 * One target of a running pool: its address, its key in the health view, its weight, its error counter,
 * and its node-wide count of active connections and passive health state.
 */
public final class Target {

  private static final Logger LOG = Logger.getLogger(Target.class.getName());

  private final HostPort address;
  private final String key;
  private final String connectHost;
  private final String id;
  private final TargetState state;
  private final int weight;
  private final Counter connectErrors;
  private final TargetCounters counters;
  private final String pool;
  /** Null: connect failures never take this target out. */
  private final PassiveHealth passive;

  /** {@code resolved}: one address its DNS name resolved to, or null to connect to the name itself. */
  Target(TargetConfig config, String resolved, String pool, PassiveHealth passive, Counter connectErrors,
      TargetCounters counters) {
    this.address = config.address();
    this.key = config.address().toString();
    this.connectHost = resolved == null ? config.address().host() : resolved;
    this.id = resolved == null ? key : new HostPort(resolved, config.address().port()).toString();
    this.state = config.state();
    this.weight = config.weight();
    this.connectErrors = connectErrors;
    this.counters = counters;
    this.pool = pool;
    this.passive = passive;
  }

  public HostPort address() {
    return address;
  }

  /** {@code host:port} as configured, as the health view, the metrics and the access log name it. */
  public String key() {
    return key;
  }

  /** The host to connect to: the configured one, or one address its DNS name resolved to. */
  public String connectHost() {
    return connectHost;
  }

  /** {@code ip:port} for a target made of a resolved address, else {@link #key()}: unique in its pool. */
  public String id() {
    return id;
  }

  public int weight() {
    return weight;
  }

  public boolean enabled() {
    return state == TargetState.ENABLED;
  }

  /** Draining: no new connections, and open ones end within the pool's drain timeout. */
  public boolean draining() {
    return state == TargetState.DRAINING;
  }

  /**
   * Counts a failed connect; with passive health, the last of {@code failures} consecutive ones (on this
   * node) takes the target out for the cool-down.
   */
  public void connectFailed() {
    connectErrors.increment();
    if (passive == null) return;
    if (counters.failures.incrementAndGet() >= passive.failures()) {
      counters.failures.set(0);
      long until = System.nanoTime() + passive.coolDown().toNanos();
      long before = counters.outUntil.getAndSet(until);
      if (before == 0 || before - System.nanoTime() <= 0) {
        LOG.warning("pool '" + pool + "': target " + id + " is out for " + passive.coolDown().toMillis()
            + "ms after " + passive.failures() + " consecutive connect failures");
      }
    }
  }

  /** A connect succeeded: the run of failures is over. */
  public void connectSucceeded() {
    if (passive != null) counters.failures.set(0);
  }

  /** False while passive health keeps the target out. */
  public boolean available() {
    long until = counters.outUntil.get();
    return until == 0 || until - System.nanoTime() <= 0;
  }

  /** Connections open or being opened to this target on this node, every event loop included. */
  public int active() {
    return counters.active.get();
  }

  /** A connection to this target is being opened: counts until {@link #released()}. */
  public void opening() {
    counters.active.incrementAndGet();
  }

  /** A connection counted by {@link #opening()} failed or closed. */
  public void released() {
    counters.active.decrementAndGet();
  }

  @Override
  public String toString() {
    return key;
  }
}
