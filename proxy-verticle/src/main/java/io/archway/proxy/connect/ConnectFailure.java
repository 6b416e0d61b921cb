package io.archway.proxy.connect;

import io.archway.proxy.relay.Termination;
import io.vertx.core.VertxException;

/**
 * Why no backend connection could be opened: {@link Termination#NO_TARGET} or
 * {@link Termination#CONNECT_FAILED}. Carries no stack trace: it is an outcome, not a bug.
 */
public final class ConnectFailure extends VertxException {

  private final Termination termination;
  private final String lastTarget;

  ConnectFailure(Termination termination, String lastTarget, String message) {
    super(message, true);
    this.termination = termination;
    this.lastTarget = lastTarget;
  }

  public Termination termination() {
    return termination;
  }

  /** The last target tried, or {@code null} when there was none to try. */
  public String lastTarget() {
    return lastTarget;
  }
}
