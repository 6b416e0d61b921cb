package io.archway.core.node;

import io.archway.core.health.HealthView;
import io.archway.core.metrics.GatewayMetrics;

/** What the verticles of one node share: its name, metrics, health view and status. */
public record NodeContext(String nodeName, GatewayMetrics metrics, HealthView health, NodeStatus status) {

  /** A fresh context for a node, with its own registry and views. */
  public static NodeContext create(String nodeName) {
    return new NodeContext(nodeName, GatewayMetrics.create(), new HealthView(), new NodeStatus());
  }
}
