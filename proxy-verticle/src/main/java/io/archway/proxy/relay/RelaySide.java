package io.archway.proxy.relay;

import io.micrometer.core.instrument.Counter;
import io.archway.proxy.transport.Fin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The relay's handler in one of its two pipelines: it forwards every buffer this channel reads to the
 * other channel as is, flushes once per read burst, stops reading while the other channel is over its
 * high water mark, and turns a FIN into a half-close of the other channel. It is the last handler of
 * both pipelines: the client channel comes bare from the listener's acceptor, and the target channel
 * from the {@code Connector}, whose holder it replaces. No Vert.x object is behind either channel.
 */
final class RelaySide extends ChannelInboundHandlerAdapter {

  static final String NAME = "archway-relay";

  /**
   * Caps what one direction can hold in the gateway: a read burst stops as soon as the other channel
   * holds 256 KiB not yet written to its socket, and resumes below 64 KiB. Large enough that a fast
   * stream rarely toggles reading (each toggle costs a syscall on epoll), small enough that a slow
   * reader costs little memory.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  private final Relay relay;
  private final boolean client;
  private final Counter counter;
  private ChannelHandlerContext ctx;
  private Channel channel;
  private RelaySide peer;
  /** Client bytes read before the backend is connected; normally never used (reading is off then). */
  private ArrayDeque<ByteBuf> early;
  private long bytes;
  private long uncounted;
  private boolean needsFlush;
  private boolean inputShut;
  private boolean outputShut;

  private RelaySide(Relay relay, boolean client, Counter counter) {
    this.relay = relay;
    this.client = client;
    this.counter = counter;
  }

  /** Adds a side last in {@code ch}'s pipeline, on its event loop. */
  static RelaySide install(Relay relay, boolean client, Counter counter, Channel ch) {
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    ch.config().setWriteBufferWaterMark(WATER_MARK);
    RelaySide side = new RelaySide(relay, client, counter);
    ch.pipeline().addLast(NAME, side);
    return side;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    int n = buf.readableBytes();
    bytes += n;
    uncounted += n;
    RelaySide to = peer;
    if (to == null) {
      holdEarly(buf);
      return;
    }
    if (!to.channel.isActive()) {
      buf.release();
      return;
    }
    to.ctx.write(buf, to.ctx.voidPromise());
    to.needsFlush = true;
    if (!to.channel.isWritable()) {
      // Flush before deciding: the flush may drain below the low mark, and then no event would resume us.
      to.flush();
      if (!to.channel.isWritable()) pause();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    relay.touch();
    count();
    RelaySide to = peer;
    if (to != null && to.needsFlush) {
      to.flush();
      if (!to.channel.isWritable()) pause();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (channel.isWritable() && peer != null) peer.resume();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // Swallowed: Vert.x would close the whole connection on an input shutdown, and on its own
    // shutdown signal when the listener stops; the relay decides both.
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShut = true;
      relay.inputShutdown(this);
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    relay.failed(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseEarly();
    count();
    relay.inactive(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseEarly();
  }

  void pair(RelaySide other) {
    this.peer = other;
    other.peer = this;
  }

  /** Sends what the client sent before the backend was connected. */
  void forwardEarly() {
    if (early == null) return;
    ByteBuf buf;
    while ((buf = early.poll()) != null) {
      peer.ctx.write(buf, peer.ctx.voidPromise());
    }
    early = null;
    peer.flush();
  }

  void resume() {
    if (!inputShut && channel.isActive() && !relay.closing()) channel.config().setAutoRead(true);
  }

  /** Half-closes this channel once everything written to it so far has reached its socket. */
  void shutdownOutput(Runnable done) {
    needsFlush = false;
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
      // TLS first says close_notify, so that the peer reads a clean end rather than a truncation.
      SslHandler tls = written.isSuccess() ? channel.pipeline().get(SslHandler.class) : null;
      if (tls != null) {
        tls.closeOutbound().addListener(closed -> shutdownSocketOutput(closed.isSuccess(), done));
      } else {
        shutdownSocketOutput(written.isSuccess(), done);
      }
    });
  }

  private void shutdownSocketOutput(boolean written, Runnable done) {
    if (written && channel instanceof DuplexChannel duplex) {
      // This channel's own FIN, when it comes, now ends the whole connection: Netty may close the channel
      // at once instead of shutting its input (a system call, and an exception when the socket is already
      // gone) and firing an event, and the relay then closes the other side as for any close.
      channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
      Fin.send(duplex).addListener(shut -> {
        outputShut = true;
        done.run();
      });
    } else {
      outputShut = true;
      done.run();
    }
  }

  /** Closes this channel once what is already queued for it is written (the other side is gone). */
  void flushAndClose() {
    needsFlush = false;
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /** True once the other side's FIN has been read here and passed on as a half-close. */
  boolean forwardedEnd() {
    return inputShut && peer != null && peer.outputShut;
  }

  boolean isClient() {
    return client;
  }

  boolean inputShut() {
    return inputShut;
  }

  RelaySide peer() {
    return peer;
  }

  Channel channel() {
    return channel;
  }

  long bytes() {
    return bytes;
  }

  private void flush() {
    needsFlush = false;
    ctx.flush();
  }

  private void pause() {
    channel.config().setAutoRead(false);
  }

  /** Counted per read burst, not per buffer: one meter update however many reads the burst had. */
  private void count() {
    if (uncounted > 0) {
      counter.increment(uncounted);
      uncounted = 0;
    }
  }

  private void holdEarly(ByteBuf buf) {
    if (relay.closing()) {
      buf.release();
      return;
    }
    if (early == null) early = new ArrayDeque<>(2);
    early.add(buf);
    pause();
  }

  private void releaseEarly() {
    if (early == null) return;
    ByteBuf buf;
    while ((buf = early.poll()) != null) buf.release();
    early = null;
  }
}
