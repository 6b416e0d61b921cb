package io.archway.health.probe;

import io.archway.core.config.HostPort;
import io.archway.core.config.ProbeConfig;
import io.archway.core.health.TargetHealth;
import io.archway.core.log.RateLimitedLog;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The probes of one target of one pool: the first runs at once, the next one {@code interval} after the
 * previous one started (never two at a time). Confined to the thread of the context that starts it.
 */
public final class TargetProbe {

  private static final RateLimitedLog SKIPPED_LOG = new RateLimitedLog(TargetProbe.class.getName(), 10_000);

  /** Told each time a probe result changes the target's health. */
  @FunctionalInterface
  public interface Listener {
    /** {@code reason} says which probes led there, for the log. */
    void changed(TargetProbe probe, TargetHealth health, String reason);
  }

  /** Told of every probe result (for the metrics). */
  @FunctionalInterface
  public interface Results {
    void probed(TargetProbe probe, ProbeOutcome outcome, long nanos);
  }

  private final Vertx vertx;
  private Check check;
  private final String pool;
  private final HostPort target;
  private final Listener listener;
  private final ThresholdTracker tracker;
  private final Results results;
  private ProbeConfig config;
  private long timer = -1;
  private long startedNanos;
  private boolean inFlight;
  private boolean stopped;

  public TargetProbe(Vertx vertx, Check check, String pool, HostPort target, ProbeConfig config, Listener listener) {
    this(vertx, check, pool, target, config, listener, (probe, outcome, nanos) -> {});
  }

  public TargetProbe(Vertx vertx, Check check, String pool, HostPort target, ProbeConfig config, Listener listener,
      Results results) {
    this.results = results;
    this.vertx = vertx;
    this.check = check;
    this.pool = pool;
    this.target = target;
    this.config = config;
    this.listener = listener;
    this.tracker = new ThresholdTracker(config.unhealthyThreshold(), config.healthyThreshold());
  }

  public String pool() {
    return pool;
  }

  public HostPort target() {
    return target;
  }

  public TargetHealth health() {
    return tracker.health();
  }

  /** Probes now, then every interval until {@link #stop()}. */
  public void start() {
    probe();
  }

  /**
   * Takes a pool's new probe settings and check (from the next probe on); the target keeps its health
   * and its current streak.
   */
  public void update(ProbeConfig next, Check nextCheck) {
    check = nextCheck;
    if (next.equals(config)) return;
    config = next;
    tracker.thresholds(next.unhealthyThreshold(), next.healthyThreshold());
    if (timer >= 0 && !stopped) {
      vertx.cancelTimer(timer);
      scheduleNext();
    }
  }

  /** Stops probing; a probe still in flight is ignored when it ends. */
  public void stop() {
    stopped = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  private void probe() {
    timer = -1;
    inFlight = true;
    startedNanos = System.nanoTime();
    check.check(target, config.timeout()).onComplete(this::completed);
  }

  private void completed(AsyncResult<Void> result) {
    inFlight = false;
    if (stopped) return;
    ProbeOutcome outcome = result.succeeded() ? ProbeOutcome.SUCCESS : ProbeOutcome.ofFailure(result.cause());
    results.probed(this, outcome, System.nanoTime() - startedNanos);
    if (outcome == ProbeOutcome.SKIPPED) {
      SKIPPED_LOG.log(() -> "out of file descriptors: health probes cannot run; targets keep their state until they can");
    } else {
      TargetHealth changed = tracker.record(result.succeeded());
      if (changed != null) listener.changed(this, changed, reason(result));
    }
    if (!stopped && !inFlight && timer < 0) scheduleNext();
  }

  private void scheduleNext() {
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    long delay = Math.max(1, config.interval().toMillis() - elapsed);
    timer = vertx.setTimer(delay, id -> probe());
  }

  private String reason(AsyncResult<Void> result) {
    int n = tracker.streak();
    String probes = n == 1 ? "1 probe" : n + " probes";
    String inARow = n == 1 ? "" : " in a row";
    if (result.succeeded()) return probes + " succeeded" + inARow;
    return probes + " failed" + inARow + ", last: " + result.cause().getMessage();
  }

  @Override
  public String toString() {
    return "pool " + pool + " target " + target;
  }
}
