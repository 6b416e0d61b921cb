package io.archway.proxy.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.util.internal.PlatformDependent;
import java.util.Map;

/**
 * Vert.x's epoll transport sets every TCP option it knows on every new connection, the kernel's own
 * defaults included: {@code TCP_USER_TIMEOUT} 0, {@code TCP_CORK} and {@code SO_KEEPALIVE} off, and
 * {@code TCP_NODELAY} on, which Netty's socket config has set already. Each is a {@code setsockopt} call
 * that changes nothing, four per accepted and four per connected socket: a relayed connection's
 * eight of about fifty system calls. This takes those options out of a bootstrap before it makes
 * sockets; options with any other value (keep-alive on, a user timeout, cork) stay.
 */
final class UnchangedOptions {

  /** Epoll's options, by name: the epoll classes are there at run time only. */
  private static final String TCP_USER_TIMEOUT = "io.netty.channel.epoll.EpollChannelOption#TCP_USER_TIMEOUT";
  private static final String TCP_CORK = "io.netty.channel.epoll.EpollChannelOption#TCP_CORK";

  private UnchangedOptions() {}

  /** Drops, from the options of the connections {@code server} accepts, those that would change nothing. */
  static void drop(ServerBootstrap server) {
    for (Map.Entry<ChannelOption<?>, Object> option : server.config().childOptions().entrySet()) {
      if (unchanged(option.getKey(), option.getValue())) server.childOption(option.getKey(), null);
    }
  }

  /** Drops, from the options of the connections {@code client} opens, those that would change nothing. */
  static void drop(Bootstrap client) {
    for (Map.Entry<ChannelOption<?>, Object> option : client.config().options().entrySet()) {
      if (unchanged(option.getKey(), option.getValue())) client.option(option.getKey(), null);
    }
  }

  /** Whether a new epoll socket already has {@code value} for {@code option}. */
  private static boolean unchanged(ChannelOption<?> option, Object value) {
    if (option.name().equals(TCP_USER_TIMEOUT)) return Integer.valueOf(0).equals(value);
    if (option.name().equals(TCP_CORK) || option == ChannelOption.SO_KEEPALIVE) return Boolean.FALSE.equals(value);
    if (option == ChannelOption.TCP_NODELAY) {
      return Boolean.TRUE.equals(value) && PlatformDependent.canEnableTcpNoDelayByDefault();
    }
    return false;
  }
}
