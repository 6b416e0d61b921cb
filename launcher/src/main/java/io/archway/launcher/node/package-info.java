/** A gateway node's life: cluster join, config adoption and following, verticles, drain and stop. */
package io.archway.launcher.node;
