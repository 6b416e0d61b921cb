/** HTTP listeners: requests routed by host and path and forwarded to HTTP pools with Vert.x's server and client. */
package io.archway.proxy.http;
