package io.archway.proxy.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;

/**
 * Asks Linux to acknowledge a socket's next segment at once (TCP_QUICKACK), on the native epoll
 * transport or NIO. Best effort: a transport or system without the option is left as it is.
 */
final class QuickAck {

  private static final String EPOLL_NAME = "io.netty.channel.epoll.EpollChannelOption#TCP_QUICKACK";
  private static final ChannelOption<Boolean> EPOLL =
      ChannelOption.exists(EPOLL_NAME) ? ChannelOption.valueOf(EPOLL_NAME) : null;
  private static final ChannelOption<Boolean> NIO = nio();

  private QuickAck() {}

  static void request(Channel channel) {
    try {
      if (EPOLL != null && channel.config().setOption(EPOLL, true)) return;
      if (NIO != null) channel.config().setOption(NIO, true);
    } catch (RuntimeException e) {
      // Not supported here: the ACK comes when the kernel decides.
    }
  }

  private static ChannelOption<Boolean> nio() {
    try {
      return NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_QUICKACK);
    } catch (LinkageError | RuntimeException e) {
      return null;
    }
  }
}
