package io.archway.proxy.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * For embedded-channel tests of a handler that reads the first bytes of a connection (PROXY header,
 * ClientHello): stands for what sits behind it (TLS, the relay), keeping the bytes passed on and noting
 * anything else that gets through; the errors a refusal reports end here.
 */
public final class ReadBehind extends ChannelInboundHandlerAdapter {

  private final ByteBuf received = Unpooled.buffer();
  private String unexpected;

  /** Writes {@code input} to {@code channel} in three segments (pooled direct buffers), while it is open. */
  public static void writeInThirds(EmbeddedChannel channel, byte[] input) {
    int third = input.length / 3;
    int[] cuts = {0, third, 2 * third, input.length};
    for (int i = 0; i < 3 && channel.isActive(); i++) {
      ByteBuf segment = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, cuts[i + 1] - cuts[i]));
      segment.writeBytes(input, cuts[i], cuts[i + 1] - cuts[i]);
      channel.writeInbound(segment);
    }
    channel.runPendingTasks();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      received.writeBytes(buf);
    } else if (unexpected == null) {
      unexpected = msg.getClass().getName();
    }
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A refusal: the handler under test has failed its promise and closed the channel.
  }

  /** The bytes passed on so far. */
  public byte[] bytes() {
    return ByteBufUtil.getBytes(received);
  }

  /** The class of the first message that was not bytes, or null. */
  public String unexpected() {
    return unexpected;
  }

  public void release() {
    received.release();
  }
}
