package io.archway.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Holds what a target sends between the end of its TLS handshake and the moment the relay takes the
 * channel (Vert.x's own handler would drop it). Leaving the pipeline passes the held bytes on, which
 * {@link ByteToMessageDecoder} does by itself.
 */
public final class EarlyBytes extends ByteToMessageDecoder {

  static final String NAME = "archway-early-bytes";

  private EarlyBytes() {}

  /** Puts a hold right after the handler named {@code after}. */
  public static void holdAfter(Channel channel, String after) {
    channel.pipeline().addAfter(after, NAME, new EarlyBytes());
  }

  /** Passes what was held on to the next handler (the relay's, by now) and removes the hold. */
  public static void release(Channel channel) {
    if (channel.pipeline().get(NAME) != null) channel.pipeline().remove(NAME);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    // Keep everything until released.
  }
}
