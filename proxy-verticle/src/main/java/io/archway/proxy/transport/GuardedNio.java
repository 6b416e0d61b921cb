package io.archway.proxy.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.net.NetServerOptions;

/**
 * Vert.x's NIO transport plus the h2c guard. A subclass rather than a wrapper: Vert.x tells NIO apart by
 * class ({@code isNativeTransportEnabled()}, the datagram options it applies).
 */
final class GuardedNio extends NioTransport {

  @Override
  public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
    super.configure(options, domainSocket, bootstrap);
    H2cConnections.guard(options, bootstrap);
  }
}
