package io.archway.proxy.transport;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;

/**
 * The transport a gateway node's Vert.x is built with ({@code Vertx.builder().withTransport(..)}): Vert.x's
 * own, native epoll when asked for and available, NIO otherwise, exactly as
 * {@link VertxOptions#setPreferNativeTransport} chooses, with one addition: every connection an h2c HTTP
 * server accepts gets {@link io.archway.proxy.http.FirstBytes} at the head of its pipeline (see
 * {@link H2cConnections}). That is the one place that sees a connection before Vert.x reads from it;
 * Vert.x's connection handler comes too late there, after the first request was decoded.
 * {@code HttpListener} refuses to run an h2c listener on a Vert.x built without it.
 */
public final class GatewayTransport implements Transport {

  private final Transport chosen;
  private final io.vertx.core.spi.transport.Transport implementation;

  private GatewayTransport(Transport chosen, io.vertx.core.spi.transport.Transport implementation) {
    this.chosen = chosen;
    this.implementation = implementation;
  }

  /**
   * Native epoll (or whatever {@link Transport#nativeTransport()} offers) when {@code preferNative} and
   * it is available, else NIO; {@code vertx.isNativeTransportEnabled()} tells which, as without this.
   */
  public static GatewayTransport of(boolean preferNative) {
    Transport nativeOne = preferNative ? Transport.nativeTransport() : null;
    if (nativeOne != null && nativeOne.available()) {
      return new GatewayTransport(nativeOne, new GuardedNative(nativeOne.implementation()));
    }
    return new GatewayTransport(nativeOne == null ? Transport.NIO : nativeOne, new GuardedNio());
  }

  /** The transport {@code options} ask for ({@link VertxOptions#getPreferNativeTransport}). */
  public static GatewayTransport of(VertxOptions options) {
    return of(options.getPreferNativeTransport());
  }

  /** Whether {@code vertx} was built with a {@link GatewayTransport}, so its h2c servers are guarded. */
  public static boolean guards(Vertx vertx) {
    return vertx instanceof VertxInternal internal
        && (internal.transport() instanceof GuardedNio || internal.transport() instanceof GuardedNative);
  }

  /**
   * Whether each event loop of {@code vertx} can listen with a socket of its own at a shared address
   * ({@code SO_REUSEPORT}): with the native transport of a {@link GatewayTransport}, not on NIO.
   */
  public static boolean eachLoopAccepts(Vertx vertx) {
    return vertx instanceof VertxInternal internal && internal.transport() instanceof GuardedNative;
  }

  @Override
  public String name() {
    return implementation instanceof GuardedNative ? chosen.name() : Transport.NIO.name();
  }

  /** Always: an unavailable native transport was replaced by NIO already. */
  @Override
  public boolean available() {
    return true;
  }

  /** Why the native transport asked for is not used (null when it is, or was not asked for). */
  @Override
  public Throwable unavailabilityCause() {
    return implementation instanceof GuardedNative || chosen == Transport.NIO ? null : chosen.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return implementation;
  }
}
