package io.archway.proxy.accesslog;

import io.archway.proxy.tls.TlsSession;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What the access log says of one finished connection. Built on the event loop from plain values;
 * turned into JSON on the writer thread.
 *
 * @param acceptMillis when the client was accepted (epoch milliseconds), the {@code time} field
 * @param connectNanos accept to backend connected, -1 when never connected ({@code connectMs: null})
 * @param tls the client's TLS, {@code null} for plain TCP (then the {@code tls} field is absent)
 */
public record AccessLogEntry(
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
    String termination) implements AccessLogLine {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** The contract's fields, in the contract's order; {@code tls} is absent for plain TCP. */
  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("time", TIME.format(Instant.ofEpochMilli(acceptMillis)))
        .put("node", node)
        .put("listener", listener)
        .put("client", address(client))
        .put("target", target)
        .put("pool", pool)
        .put("bytesIn", bytesIn)
        .put("bytesOut", bytesOut)
        .put("connectMs", connectNanos < 0 ? null : millis(connectNanos))
        .put("durationMs", millis(durationNanos));
    if (tls != null) json.put("tls", tls.toJson());
    return json.put("termination", termination);
  }

  static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address == null ? null : address.toString();
  }
}
