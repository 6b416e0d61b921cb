package io.archway.core.config;

import java.util.List;
import java.util.Optional;

/**
 * What an {@code http} probe asks and expects: {@code GET path} (with a {@code Host} header of
 * {@code host}, else the target's address), a status in one of {@code expectStatus}, and, when
 * {@code expectBody} is set, that text somewhere in the first {@value #BODY_LIMIT} bytes of the body.
 */
public record ProbeHttpConfig(
    String path, Optional<String> host, List<StatusRange> expectStatus, Optional<String> expectBody) {

  public static final String DEFAULT_PATH = "/";
  /** How much of a body an {@code expectBody} check reads. */
  public static final int BODY_LIMIT = 64 * 1024;

  public ProbeHttpConfig {
    expectStatus = List.copyOf(expectStatus);
  }

  public static ProbeHttpConfig defaults() {
    return new ProbeHttpConfig(DEFAULT_PATH, Optional.empty(), List.of(new StatusRange(200, 399)), Optional.empty());
  }

  /** Whether {@code status} is one of the expected ones. */
  public boolean expects(int status) {
    for (StatusRange r : expectStatus) {
      if (r.contains(status)) return true;
    }
    return false;
  }

  /** Statuses {@code from} to {@code to}, both included; one status when they are equal. */
  public record StatusRange(int from, int to) {

    public boolean contains(int status) {
      return status >= from && status <= to;
    }

    @Override
    public String toString() {
      return from == to ? Integer.toString(from) : from + "-" + to;
    }
  }
}
