package io.archway.proxy.proxyprotocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * Turns a client away on its first bytes when they cannot begin a PROXY header, v1 ({@code "PROXY "})
 * or v2 (its 12-byte signature). Netty's decoder would wait for a line end (or 108 bytes) before it
 * said so, and a client that sends {@code hello} without one would hold its connection until the
 * header's deadline. It only compares the prefixes, passes every byte on to the decoder unchanged, and
 * leaves once the prefix is known.
 */
final class ProxyHeaderPrefix extends ChannelInboundHandlerAdapter {

  static final String NAME = "archway-proxy-prefix";

  private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private boolean v1 = true;
  private boolean v2 = true;
  private int seen;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      for (int i = bytes.readerIndex(); i < bytes.writerIndex() && (v1 || v2) && !known(); i++, seen++) {
        byte b = bytes.getByte(i);
        v1 &= seen >= V1.length || V1[seen] == b;
        v2 &= seen >= V2.length || V2[seen] == b;
      }
      if (!v1 && !v2) {
        bytes.release();
        ctx.fireExceptionCaught(new HAProxyProtocolException("not a PROXY header: the first bytes begin neither "
            + "a v1 ('PROXY ') nor a v2 header"));
        return;
      }
      if (known()) ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(msg);
  }

  /** Enough bytes seen to know the header's version: the rest is the decoder's to judge. */
  private boolean known() {
    return v1 && seen >= V1.length || v2 && seen >= V2.length;
  }
}
