/** Connecting to a pool's targets, with the pool's connect timeout and retries. */
package io.archway.proxy.connect;
