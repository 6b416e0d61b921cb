/** {@code archway status}: the cluster summarised in a terminal from any node's admin API. */
package io.archway.launcher.status;
