/** {@code /metrics}: the node's meters in the Prometheus text format. */
package io.archway.admin.metrics;
