/** The PROXY protocol (v1 and v2): the header sent to targets, and the header read from clients. */
package io.archway.proxy.proxyprotocol;
