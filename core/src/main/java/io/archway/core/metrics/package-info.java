/** The node's Prometheus registry and the contract's metric names. */
package io.archway.core.metrics;
