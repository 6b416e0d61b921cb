package io.archway.proxy.pool;

import io.archway.core.config.HostPort;
import io.archway.core.config.TargetConfig;
import io.archway.core.config.TargetState;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One target of a running pool: its address, its key in the health view, its weight, its error counter
 * and its node-wide count of active connections.
 */
public final class Target {

  private final HostPort address;
  private final String key;
  private final TargetState state;
  private final int weight;
  private final Counter connectErrors;
  private final AtomicInteger active;

  Target(TargetConfig config, Counter connectErrors, AtomicInteger active) {
    this.address = config.address();
    this.key = config.address().toString();
    this.state = config.state();
    this.weight = config.weight();
    this.connectErrors = connectErrors;
    this.active = active;
  }

  public HostPort address() {
    return address;
  }

  /** {@code host:port}, as the health view and the access log name it. */
  public String key() {
    return key;
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

  public void connectFailed() {
    connectErrors.increment();
  }

  /** Connections open or being opened to this target on this node, every event loop included. */
  public int active() {
    return active.get();
  }

  /** A connection to this target is being opened: counts until {@link #released()}. */
  public void opening() {
    active.incrementAndGet();
  }

  /** A connection counted by {@link #opening()} failed or closed. */
  public void released() {
    active.decrementAndGet();
  }

  @Override
  public String toString() {
    return key;
  }
}
