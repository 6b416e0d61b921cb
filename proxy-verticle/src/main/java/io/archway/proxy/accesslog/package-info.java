/** One JSON line per finished connection, written off the event loop. */
package io.archway.proxy.accesslog;
