/** The {@code archway_pool_targets} gauges: how many targets of each pool are in each state. */
package io.archway.health.metrics;
