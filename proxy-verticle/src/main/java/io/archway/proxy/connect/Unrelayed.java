package io.archway.proxy.connect;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The one handler of a new target connection until the relay takes it: its connect (and TLS handshake)
 * report what goes wrong, so an exception stops here rather than reaching the end of the pipeline,
 * where Netty would log it as unhandled; and it drops anything read before the relay is in place (a
 * target's early bytes after a TLS handshake are held by {@code EarlyBytes}, in front of it).
 */
@ChannelHandler.Sharable
public final class Unrelayed extends ChannelInboundHandlerAdapter {

  static final Unrelayed INSTANCE = new Unrelayed();

  private Unrelayed() {}

  /** Takes the holder out of {@code channel}'s pipeline: the relay's handler goes last in its place. */
  public static void remove(Channel channel) {
    if (channel.pipeline().context(INSTANCE) != null) channel.pipeline().remove(INSTANCE);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Reported by the connect or the handshake that failed, with the target's name.
  }
}
