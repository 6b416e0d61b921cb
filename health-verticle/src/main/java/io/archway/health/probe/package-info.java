/** Active probes of one target and the thresholds that turn their results into the target's health. */
package io.archway.health.probe;
