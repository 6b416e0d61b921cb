package io.archway.core.config;

import java.time.Duration;

/**
 * Takes a target out of a pool's rotation on one node after {@code failures} consecutive failed connects
 * there, for {@code coolDown}; then the probes' view decides again.
 */
public record PassiveHealth(int failures, Duration coolDown) {

  public static final Duration DEFAULT_COOL_DOWN = Duration.ofSeconds(30);
}
