/** WebSockets through an HTTP listener: the upgrade passed to a pool's target and frames relayed both ways. */
package io.archway.proxy.websocket;
