/** Which route of an HTTP listener a request takes: host and path matching, priorities, redirects. */
package io.archway.proxy.route;
