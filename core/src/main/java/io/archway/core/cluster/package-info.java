/** The registry of nodes in the cluster and what each applied. */
package io.archway.core.cluster;
