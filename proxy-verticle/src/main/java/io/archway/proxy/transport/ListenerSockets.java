package io.archway.proxy.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.NetUtil;
import io.vertx.core.spi.transport.Transport;

/**
 * The listening sockets of the gateway's own acceptors. On epoll Netty opens every socket dual-stack
 * ({@code AF_INET6}), so a listener at an IPv4 address binds {@code ::ffff:a.b.c.d} and each client it
 * accepts is a v4-mapped IPv6 socket. A listener whose host is an IPv4 literal gets a plain IPv4 socket
 * instead, as HAProxy's are, and so do the connections it accepts (the same clients: an IPv6 socket
 * bound to a mapped address takes IPv4 clients only). Anything else (a host name, an IPv6 address, NIO)
 * keeps the transport's own socket. {@link TargetSockets} does the same for target connections.
 */
public final class ListenerSockets {

  private static final ChannelFactory<EpollServerSocketChannel> IPV4 =
      () -> new EpollServerSocketChannel(SocketProtocolFamily.INET);

  private ListenerSockets() {}

  /** The factory for a listening socket of {@code transport} at {@code host}. */
  public static ChannelFactory<? extends ServerChannel> forHost(Transport transport, String host) {
    if (transport instanceof GuardedNative && NetUtil.isValidIpV4Address(host)) return IPV4;
    return transport.serverChannelFactory(false);
  }
}
