package io.archway.proxy.accesslog;

import io.archway.proxy.tls.TlsSession;
import io.vertx.core.json.JsonObject;
import java.net.SocketAddress;

/**
 * What the access log says of one finished HTTP request (or WebSocket): the contract's connection
 * fields, then the request's. Built on the event loop from plain values; turned into JSON on the
 * writer thread.
 *
 * @param acceptMillis when the request arrived (epoch milliseconds), the {@code time} field
 * @param target the target that answered, null when none did
 * @param pool the route's pool, null for a redirect or no route
 * @param bytesIn request body bytes read from the client
 * @param bytesOut response body bytes written to the client
 * @param connectNanos arrival to the target's request being sent (a pooled connection counts as
 *     connected at once), -1 when no target was reached
 * @param upstreamNanos arrival to the target's response headers, -1 when there were none
 * @param tls the client's TLS protocol, cipher and server name, null on plain HTTP
 * @param termination the contract's word for how it ended
 */
public record HttpAccessLogEntry(
    long acceptMillis,
    String node,
    String listener,
    SocketAddress client,
    String target,
    String pool,
    long bytesIn,
    long bytesOut,
    long connectNanos,
    long durationNanos,
    TlsSession tls,
    String termination,
    String protocol,
    String method,
    String host,
    String path,
    int status,
    long upstreamNanos) implements AccessLogLine {

  /** The connection line's fields (one place for their names and format), then the request's. */
  @Override
  public JsonObject toJson() {
    return new AccessLogEntry(acceptMillis, node, listener, client, target, pool, bytesIn, bytesOut, connectNanos,
        durationNanos, tls, termination).toJson()
        .put("protocol", protocol)
        .put("method", method)
        .put("host", host)
        .put("path", path)
        .put("status", status)
        .put("upstreamMs", upstreamNanos < 0 ? null : AccessLogEntry.millis(upstreamNanos));
  }
}
