package io.archway.proxy.transport;

import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;

/**
 * Sends a FIN: shuts a connection's output and keeps its input open. Netty's
 * {@link DuplexChannel#shutdownOutput()} builds a {@code ChannelOutputShutdownException}, stack trace
 * and all, every time (for writes that might still be queued), which was 4% of the event loops' time
 * with a new connection per request. On epoll this shuts the socket itself, through Netty's public
 * native {@link Socket}, so the channel reports its output shut as before; other transports go through
 * Netty. Call once everything written to the channel is flushed: nothing may be written after it.
 */
public final class Fin {

  private Fin() {}

  /** Shuts {@code channel}'s output; call on its event loop. */
  public static ChannelFuture send(DuplexChannel channel) {
    if (channel instanceof AbstractEpollStreamChannel epoll && epoll.fd() instanceof Socket socket) {
      try {
        socket.shutdown(false, true);
        return channel.newSucceededFuture();
      } catch (IOException err) {
        return channel.newFailedFuture(err);
      }
    }
    return channel.shutdownOutput();
  }
}
