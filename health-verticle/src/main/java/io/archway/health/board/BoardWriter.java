package io.archway.health.board;

import io.archway.core.health.HealthBoard;
import io.archway.core.health.TargetHealth;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes one node's health view to the cluster-wide board, one write at a time: a change that arrives
 * while a write is in flight is written right after it, so the board always ends with the latest view
 * and never with an older one that overtook it. Confined to one context's thread.
 */
public final class BoardWriter {

  private static final System.Logger LOG = System.getLogger(BoardWriter.class.getName());

  private final HealthBoard board;
  private final String node;
  private final Supplier<Map<String, Map<String, TargetHealth>>> view;
  private Future<Void> last = Future.succeededFuture();
  private boolean inFlight;
  private boolean dirty;
  private boolean closed;
  private boolean failing;

  public BoardWriter(HealthBoard board, String node, Supplier<Map<String, Map<String, TargetHealth>>> view) {
    this.board = board;
    this.node = node;
    this.view = view;
  }

  /** Writes the current view now, or right after the write in flight. */
  public void write() {
    if (closed) return;
    if (inFlight) {
      dirty = true;
      return;
    }
    inFlight = true;
    dirty = false;
    last = board.put(node, view.get()).andThen(result -> {
      inFlight = false;
      if (result.failed() && !failing) {
        // Once per outage: the periodic refresh would otherwise repeat this every few seconds.
        LOG.log(Level.WARNING, "cannot write node " + node + "'s health to the cluster: " + result.cause().getMessage());
      } else if (result.succeeded() && failing) {
        LOG.log(Level.INFO, "node " + node + "'s health reaches the cluster again");
      }
      failing = result.failed();
      if (dirty) write();
    });
  }

  /** Stops writing and completes once this node's entry is off the board. */
  public Future<Void> close() {
    closed = true;
    return last.transform(ignored -> board.remove(node));
  }
}
