/** The admin verticle: the node's HTTP API for operators, probes of its own status, and its metrics. */
package io.archway.admin;
