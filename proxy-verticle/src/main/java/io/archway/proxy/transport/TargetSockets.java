package io.archway.proxy.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.NetUtil;
import io.vertx.core.spi.transport.Transport;

/**
 * The sockets target connections are made of. On epoll Netty opens every socket dual-stack
 * ({@code AF_INET6}, one {@code setsockopt(IPV6_V6ONLY, 0)} each) since it cannot know the family before
 * the address is resolved; a target given as an IPv4 literal (the common case: the config's
 * {@code address}, or a DNS name's address the pool resolved) gets a plain IPv4 socket instead, as
 * HAProxy's are: one system call fewer per connection, and the kernel's IPv4 path without the mapping.
 * Anything else (a host name, an IPv6 address, NIO) keeps the transport's own socket.
 */
public final class TargetSockets {

  private static final ChannelFactory<EpollSocketChannel> IPV4 = () -> new EpollSocketChannel(SocketProtocolFamily.INET);

  private TargetSockets() {}

  /** The factory for a connection from {@code transport} to {@code host}. */
  public static ChannelFactory<? extends Channel> forHost(Transport transport, String host) {
    if (transport instanceof GuardedNative && NetUtil.isValidIpV4Address(host)) return IPV4;
    return transport.channelFactory(false);
  }

  /** The factory for a connection to {@code host} on the transport of {@code client}, an accepted connection. */
  public static ChannelFactory<? extends Channel> like(Channel client, String host) {
    if (client instanceof EpollSocketChannel && NetUtil.isValidIpV4Address(host)) return IPV4;
    return new ReflectiveChannelFactory<>(client.getClass());
  }
}
