package io.archway.proxy.pool;

import io.archway.core.config.HostPort;
import io.archway.core.config.TargetConfig;
import io.archway.core.config.TargetState;
import io.micrometer.core.instrument.Counter;

/** One target of a running pool: its address, its key in the health view, and its error counter. */
public final class Target {

  private final HostPort address;
  private final String key;
  private final TargetState state;
  private final Counter connectErrors;

  Target(TargetConfig config, Counter connectErrors) {
    this.address = config.address();
    this.key = config.address().toString();
    this.state = config.state();
    this.connectErrors = connectErrors;
  }

  public HostPort address() {
    return address;
  }

  /** {@code host:port}, as the health view and the access log name it. */
  public String key() {
    return key;
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

  @Override
  public String toString() {
    return key;
  }
}
