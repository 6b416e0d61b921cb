/** The cluster's shared config and its version, changed only by compare-and-set. */
package io.archway.core.store;
