package io.archway.admin.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admin requests answered with an error: counted by reason in {@code archway_admin_rejected_total} and
 * logged in one line each, at most one line per second (a flood of bad writes cannot flood the log; the
 * lines it skips are counted in the next one). Never logs a body, which may hold secrets.
 */
public final class Rejections {

  public static final String METRIC = "archway.admin.rejected";
  private static final System.Logger LOG = System.getLogger(Rejections.class.getName());
  private static final long LOG_EVERY_NANOS = 1_000_000_000L;

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
  private final AtomicLong skipped = new AtomicLong();

  public Rejections(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts a rejected request; {@code reason} is one of a fixed set (never text from the request). */
  public void rejected(RoutingContext ctx, int status, String reason, String detail) {
    counters.computeIfAbsent(reason, r -> Counter.builder(METRIC).tag("reason", r)
        .description("Admin API requests answered with an error, by reason").register(registry)).increment();
    long now = System.nanoTime();
    long last = lastLog.get();
    if (now - last < LOG_EVERY_NANOS || !lastLog.compareAndSet(last, now)) {
      skipped.incrementAndGet();
      return;
    }
    long more = skipped.getAndSet(0);
    LOG.log(Level.INFO, "admin " + ctx.request().method() + " " + ctx.request().path() + " from "
        + ctx.request().remoteAddress() + " rejected with " + status + " (" + reason + "): " + detail
        + (more > 0 ? " [" + more + " more rejections in the last second not logged]" : ""));
  }
}
