package io.archway.core.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry of one node: verticles register meters here, {@code /metrics} scrapes it. */
public final class GatewayMetrics {

  private final PrometheusMeterRegistry registry;

  private GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  public static GatewayMetrics create() {
    return new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text format of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
