package io.archway.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xOrH2CHandler;

/**
 * The smuggling guard's way into an h2c connection (an {@code http} listener with {@code http2: true}),
 * at the head of its pipeline from the moment it is accepted. There Vert.x first tells HTTP/1 from the
 * HTTP/2 preface ({@code Http1xOrH2CHandler}, which compares the bytes with the 24-byte preface), only
 * then adds its HTTP/1 request decoder, and calls the server's connection handler only after that
 * decoder produced the first request: too late for {@link Framing#install} there. So this handler
 * passes the first bytes on one at a time until Vert.x has decided (at most 24 bytes, over as many
 * reads as the client takes), which can never be enough for the decoder to see a request with a
 * length; then it swaps in the strict decoder (Netty hands it what the old one held), passes the rest
 * on unchanged and leaves the pipeline. HTTP/2 connections keep Vert.x's handlers as they are.
 */
public final class FirstBytes extends ChannelInboundHandlerAdapter {

  /** Vert.x has decided by the last byte of the preface at the latest. */
  private static final int PREFACE = Http1xOrH2CHandler.HTTP_2_PREFACE.length();

  private final HttpServerOptions options;
  private int passed;

  /** {@code options}: the listener's server options, which the strict decoder is built with. */
  public FirstBytes(HttpServerOptions options) {
    this.options = options;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ChannelPipeline pipeline = ctx.pipeline();
    while (undecided(pipeline) && in.isReadable()) {
      if (!ctx.channel().isOpen() || ctx.isRemoved()) {
        // Closed (or taken out) half-way: nothing is going to read the rest.
        in.release();
        return;
      }
      passed++;
      ctx.fireChannelRead(in.readRetainedSlice(1));
    }
    if (undecided(pipeline)) {
      // Every byte went to the detector, which still waits for more: so does this handler.
      in.release();
      return;
    }
    if (!ctx.channel().isOpen() || ctx.isRemoved()) {
      in.release();
      return;
    }
    Framing.install(pipeline, options);
    pipeline.remove(this);
    if (in.isReadable()) {
      ctx.fireChannelRead(in);
    } else {
      in.release();
    }
  }

  private boolean undecided(ChannelPipeline pipeline) {
    return passed < PREFACE && pipeline.get(Http1xOrH2CHandler.class) != null;
  }
}
