/** Test fixtures of the proxy: a gateway under test, blocking backends and clients, a leak check. */
package io.archway.proxy.testing;
