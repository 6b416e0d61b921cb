package io.archway.health.probe;

import io.archway.core.config.HostPort;
import io.vertx.core.Future;
import java.time.Duration;

/** One probe of one target: succeeds when the target answers as the probe type expects within the timeout. */
@FunctionalInterface
public interface Check {

  /** Succeeds once {@code target} passed; fails with the reason otherwise, within about {@code timeout}. */
  Future<Void> check(HostPort target, Duration timeout);
}
