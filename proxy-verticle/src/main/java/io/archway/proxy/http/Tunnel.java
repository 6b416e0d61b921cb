package io.archway.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * What a client connection and its target connection become once the target switched protocols (101,
 * a WebSocket): HTTP's codecs leave both pipelines and bytes pass each way as they are, flushed once
 * per read burst, with autoread for backpressure. Either side closing closes the other once what it
 * sent is written; either side's idle timeout (the listener's, the pool's) closes both.
 */
final class Tunnel {

  private final Channel client;
  private final Channel target;
  private final Consumer<String> ended;
  private Side clientSide;
  private Side targetSide;
  private String termination;
  private int open = 2;

  private Tunnel(Channel client, Channel target, Consumer<String> ended) {
    this.client = client;
    this.target = target;
    this.ended = ended;
  }

  /** Takes both channels over; {@code ended} gets {@code client_close} or {@code backend_close} once both are closed. */
  static void start(Channel client, IdleWatch clientIdle, Channel target, IdleWatch targetIdle,
      Consumer<String> ended) {
    Tunnel tunnel = new Tunnel(client, target, ended);
    tunnel.clientSide = tunnel.new Side(target, clientIdle, targetIdle, "client_close");
    tunnel.targetSide = tunnel.new Side(client, targetIdle, clientIdle, "backend_close");
    tunnel.install(client, tunnel.clientSide, "decoder", "encoder", "upgrade", "client");
    tunnel.install(target, tunnel.targetSide, "codec", "target");
  }

  private void install(Channel from, Side side, String... http) {
    Channel to = side.to;
    ChannelPipeline p = from.pipeline();
    p.addLast("tunnel", side);
    // The handler last, then the decoders: a decoder leaving passes the bytes it held on to the tunnel.
    for (int i = http.length - 1; i >= 0; i--) {
      if (p.get(http[i]) != null) p.remove(http[i]);
    }
    from.config().setAutoRead(to.isWritable());
  }

  /**
   * Who ended the tunnel, as seen when {@code closedFirst}'s connection closed: the side that had been
   * silent longer. In a WebSocket closing handshake the server closes TCP first whoever began it (RFC
   * 6455 7.1.1), and the side that began sent its close frame before the other answered.
   */
  private Side starter(Side closedFirst) {
    Side other = closedFirst == clientSide ? targetSide : clientSide;
    return closedFirst.lastRead - other.lastRead > 0 ? other : closedFirst;
  }

  private final class Side extends ChannelInboundHandlerAdapter {
    private final Channel to;
    private final IdleWatch fromIdle;
    private final IdleWatch toIdle;
    private final String whenClosed;
    private boolean wrote;
    private long lastRead = System.nanoTime();

    Side(Channel to, IdleWatch fromIdle, IdleWatch toIdle, String whenClosed) {
      this.to = to;
      this.fromIdle = fromIdle;
      this.toIdle = toIdle;
      this.whenClosed = whenClosed;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = msg instanceof ByteBuf b ? b : msg instanceof HttpContent c ? c.content().retain() : null;
      if (msg instanceof HttpContent) ReferenceCountUtil.release(msg);
      if (bytes == null) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (!bytes.isReadable()) {
        bytes.release();
        return;
      }
      wrote = true;
      lastRead = System.nanoTime();
      fromIdle.touch();
      toIdle.touch();
      to.write(bytes, to.voidPromise());
      if (!to.isWritable()) ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (wrote) {
        wrote = false;
        to.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (to.isActive()) to.config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (termination == null) termination = starter(this).whenClosed;
      to.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      if (--open == 0) ended.accept(termination);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
