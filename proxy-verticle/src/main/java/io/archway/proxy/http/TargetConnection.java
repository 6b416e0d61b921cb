package io.archway.proxy.http;

import io.archway.proxy.pool.Target;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One kept-alive HTTP/1.1 connection to a target, the last handler of its pipeline (after Netty's
 * client codec): it hands the target's response to the exchange that holds it, and closes when the
 * target sends something while no exchange does, or when it sits idle for the pool's idle timeout.
 */
final class TargetConnection extends ChannelInboundHandlerAdapter {

  private final Target target;
  private final TargetConnections owner;
  private final TargetConnections.Slot slot;
  private Channel channel;
  private IdleWatch idle;
  private TargetCodec codec;
  private Forward exchange;

  TargetConnection(Target target, TargetConnections owner, TargetConnections.Slot slot) {
    this.target = target;
    this.owner = owner;
    this.slot = slot;
  }

  Target target() {
    return target;
  }

  Channel channel() {
    return channel;
  }

  /** The watch that closes this connection at the pool's idle timeout; reads and writes touch it. */
  IdleWatch idle() {
    return idle;
  }

  TargetConnections owner() {
    return owner;
  }

  /** Its target's connections in the owner, which it goes back to. */
  TargetConnections.Slot slot() {
    return slot;
  }

  /** Whether a new request may go out on it. */
  boolean usable() {
    return channel != null && channel.isActive();
  }

  /** Before a request goes out: whether it is a HEAD, whose response has no body. */
  void sending(boolean head) {
    codec.expectBodyless(head);
  }

  /** From now on the target's messages go to {@code to} (null: none expected). */
  void attach(Forward to) {
    this.exchange = to;
  }

  void close() {
    if (channel != null) channel.close();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    idle = IdleWatch.start(channel, owner.idleMillis());
    codec = ctx.pipeline().get(TargetCodec.class);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    idle.touch();
    Forward to = exchange;
    if (to == null) {
      // Nothing was asked: a target talking out of turn cannot be trusted with the next request.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    to.fromTarget(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Forward to = exchange;
    if (to != null) to.targetReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Forward to = exchange;
    if (to != null) to.targetWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Forward to = exchange;
    exchange = null;
    if (to != null) to.targetClosed();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset, a malformed response or a TLS failure: the exchange sees the close.
    ctx.close();
  }
}
