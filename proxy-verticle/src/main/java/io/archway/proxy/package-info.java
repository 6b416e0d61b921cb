/** The proxy verticle: runs the node's listeners and pools, one instance per event loop. */
package io.archway.proxy;
