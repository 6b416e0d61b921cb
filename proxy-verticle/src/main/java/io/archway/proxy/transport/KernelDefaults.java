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
 * that changes nothing, four per accepted and four per connected socket: a relayed connection's eight
 * of about fifty system calls. Its client also sets {@code SO_REUSEADDR}, which a socket that only
 * connects has no use for.
 *
 * <p>It also sets {@code TCP_QUICKACK} off, which is not the kernel's default but a mode: the socket
 * delays its ACKs from the start, and a socket that connects in that mode holds back the handshake's
 * last ACK for up to 200 ms, to send it with the first request. A target that speaks first (a greeting
 * banner, SMTP, MySQL, ...) cannot accept the connection until then, so every new connection to it
 * waited 200 ms.
 *
 * <p>This takes all of those out of a bootstrap before it makes sockets, leaving the kernel's defaults;
 * options with any other value (keep-alive on, a user timeout, cork, quick ACKs on) stay.
 */
final class KernelDefaults {

  /** Epoll's options, by name, so that a bootstrap of another transport is compared without loading them. */
  private static final String TCP_USER_TIMEOUT = "io.netty.channel.epoll.EpollChannelOption#TCP_USER_TIMEOUT";
  private static final String TCP_CORK = "io.netty.channel.epoll.EpollChannelOption#TCP_CORK";
  private static final String TCP_QUICKACK = "io.netty.channel.epoll.EpollChannelOption#TCP_QUICKACK";

  private KernelDefaults() {}

  /** Drops, from the options of the connections {@code server} accepts, those that only restate the kernel's defaults or turn quick ACKs off. */
  static void keep(ServerBootstrap server) {
    for (Map.Entry<ChannelOption<?>, Object> option : server.config().childOptions().entrySet()) {
      if (dropped(option.getKey(), option.getValue())) server.childOption(option.getKey(), null);
    }
  }

  /**
   * Drops, from the options of the connections {@code client} opens, those that only restate the kernel's
   * defaults or turn quick ACKs off, and {@code SO_REUSEADDR}: Vert.x's client sets it, but it governs
   * {@code bind}, and these sockets only connect (the kernel picks their port without looking at it).
   */
  static void keep(Bootstrap client) {
    for (Map.Entry<ChannelOption<?>, Object> option : client.config().options().entrySet()) {
      if (dropped(option.getKey(), option.getValue()) || option.getKey() == ChannelOption.SO_REUSEADDR) {
        client.option(option.getKey(), null);
      }
    }
  }

  /** Whether a new epoll socket is better off without {@code value} for {@code option}. */
  private static boolean dropped(ChannelOption<?> option, Object value) {
    if (option.name().equals(TCP_USER_TIMEOUT)) return Integer.valueOf(0).equals(value);
    if (option.name().equals(TCP_CORK) || option.name().equals(TCP_QUICKACK) || option == ChannelOption.SO_KEEPALIVE) {
      return Boolean.FALSE.equals(value);
    }
    if (option == ChannelOption.TCP_NODELAY) {
      return Boolean.TRUE.equals(value) && PlatformDependent.canEnableTcpNoDelayByDefault();
    }
    return false;
  }
}
