/** Writing this node's health view to the cluster-wide health board. */
package io.archway.health.board;
