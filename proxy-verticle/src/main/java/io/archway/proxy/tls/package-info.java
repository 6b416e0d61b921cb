/**
 * TLS on both sides of a relay: terminating clients (certificates chosen by SNI, client certificates),
 * routing still-encrypted clients by the SNI of their ClientHello, and re-encrypting to targets.
 */
package io.archway.proxy.tls;
