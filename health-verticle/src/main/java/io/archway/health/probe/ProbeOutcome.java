package io.archway.health.probe;

import io.archway.core.node.FileLimit;
import java.util.concurrent.TimeoutException;

/** How one probe ended, as the metrics label it. */
public enum ProbeOutcome {
  SUCCESS("success"),
  /** The target answered, or refused, but not as the probe expects. */
  FAILURE("failure"),
  /** No answer within the probe's timeout. */
  TIMEOUT("timeout"),
  /**
   * The probe could not run: this process is out of file descriptors. Says nothing about the target,
   * so it does not count toward either threshold.
   */
  SKIPPED("skipped");

  private final String label;

  ProbeOutcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The outcome of a probe that failed with {@code cause}. */
  public static ProbeOutcome ofFailure(Throwable cause) {
    if (FileLimit.exhausted(cause)) return SKIPPED;
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) return TIMEOUT;
    }
    return FAILURE;
  }
}
