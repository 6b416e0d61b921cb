/** The relay of one client connection to one backend connection, at the Netty channel level. */
package io.archway.proxy.relay;
