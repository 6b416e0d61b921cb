package io.archway.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * First on a connection of a {@link PlainHttpListener} with h2c on: compares the first bytes with the
 * 24-byte HTTP/2 connection preface (over as many reads as the client takes). On the first byte that
 * differs it leaves, and the HTTP/1.x decoder behind it gets every byte; on the whole preface the
 * connection switches to HTTP/2 ({@link H2c#priorKnowledge}) and the preface goes on to its codec.
 */
final class H2cPreface extends ByteToMessageDecoder {

  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final ClientConnection connection;

  H2cPreface(ClientConnection connection) {
    this.connection = connection;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
    if (!ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), length)) {
      ctx.pipeline().remove(this);
    } else if (length == PREFACE.readableBytes()) {
      H2c.priorKnowledge(ctx, connection);
      ctx.pipeline().remove(this);
    }
    // else: a prefix of the preface so far; wait for more.
  }
}
