/** Which clients a listener lets in: access lists, connection limits and per-client rates, node-wide. */
package io.archway.proxy.admission;
