/** A configured pool as the proxy runs it: its targets, their meters, and the balancer. */
package io.archway.proxy.pool;
