package io.archway.proxy.admission;

import io.archway.proxy.proxyprotocol.ProxyHeaderReader;
import io.archway.proxy.relay.Relay;
import io.archway.proxy.relay.Termination;
import io.archway.proxy.tls.HandshakeLog;
import io.archway.proxy.tls.TlsSession;
import io.netty.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The way in for a just-accepted client, before any backend work: its PROXY header when the listener
 * accepts one, then its listener's gate. A refused client is closed with the reason; one let in goes on
 * to TLS (if any) and its target.
 */
public final class Doorway {

  private Doorway() {}

  /**
   * Lets {@code relay}'s client in or refuses it. {@code startTls} puts the listener's TLS handlers in
   * (null result for plain TCP): called once, after the gate for a client without a header (so a refused
   * client costs no TLS), before the header reader otherwise (so the bytes after the header reach TLS).
   * {@code proceed} then gets what {@code startTls} returned. {@code gate} may be null (no limits).
   */
  public static void admit(Relay relay, Gate gate, boolean acceptProxyProtocol, long headerTimeoutMillis,
      String listener, Supplier<Future<TlsSession>> startTls, Consumer<Future<TlsSession>> proceed) {
    if (!acceptProxyProtocol) {
      if (gate == null || admitted(relay, gate.admit(relay.clientAddress()))) proceed.accept(startTls.get());
      return;
    }
    // A client waiting for its header already counts against maxConnections.
    if (gate != null && !admitted(relay, gate.admitConnection())) return;
    Future<TlsSession> tls = startTls.get();
    Future<ProxyHeaderReader.Header> header = ProxyHeaderReader.install(relay.clientChannel(), headerTimeoutMillis);
    header.addListener(done -> {
      if (!done.isSuccess()) {
        HandshakeLog.proxyHeaderFailed(listener, relay.clientAddress(), done.cause());
        relay.reject(Termination.PROXY_PROTOCOL, null);
        return;
      }
      ProxyHeaderReader.Header h = header.getNow();
      if (h.client() != null) relay.proxied(h.client(), h.listener());
      if (gate == null || admitted(relay, gate.admitClient(relay.clientAddress()))) proceed.accept(tls);
    });
  }

  /** Closes a client the gate turned away; true when it may go on (its ticket is released at its close). */
  private static boolean admitted(Relay relay, Gate.Admission admission) {
    if (!admission.isAdmitted()) {
      relay.reject(admission.refusal(), null);
      return false;
    }
    relay.clientChannel().closeFuture().addListener(closed -> admission.ticket().release());
    return true;
  }
}
