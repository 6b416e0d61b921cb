package io.archway.proxy.http;

import io.archway.proxy.pool.Target;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One kept-alive HTTP/1.1 connection to a target, the last handler of its pipeline (after Netty's
 * client codec): it hands the target's response to the exchange that holds it, and closes when the
 * target sends something while no exchange does, or when it sits idle for the pool's idle timeout.
 */
final class TargetConnection extends ChannelInboundHandlerAdapter {

  private final Target target;
  private final TargetConnections owner;
  private Channel channel;
  private Forward exchange;

  TargetConnection(Target target, TargetConnections owner) {
    this.target = target;
    this.owner = owner;
  }

  Target target() {
    return target;
  }

  Channel channel() {
    return channel;
  }

  TargetConnections owner() {
    return owner;
  }

  /** Whether a new request may go out on it. */
  boolean usable() {
    return channel != null && channel.isActive();
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
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
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
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ReferenceCountUtil.release(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset, a malformed response or a TLS failure: the exchange sees the close.
    ctx.close();
  }
}
