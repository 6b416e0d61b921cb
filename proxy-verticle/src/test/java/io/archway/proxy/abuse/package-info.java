/** Garbage, truncated, oversized and silent clients on every listener kind, over real sockets. */
package io.archway.proxy.abuse;
