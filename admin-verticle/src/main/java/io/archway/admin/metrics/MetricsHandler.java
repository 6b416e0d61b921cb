package io.archway.admin.metrics;

import io.archway.core.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /metrics}: every meter of the node in the Prometheus text format 0.0.4. */
public final class MetricsHandler implements Handler<RoutingContext> {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final GatewayMetrics metrics;

  public MetricsHandler(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(metrics.scrape());
  }
}
