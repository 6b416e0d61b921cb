package io.archway.proxy.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Reads the PROXY header (v1 or v2, Netty's decoder) that a client of an {@code acceptProxyProtocol}
 * listener must send first. It sits at the head of the client's pipeline, in front of any TLS, so the
 * bytes after the header go on to TLS or the relay unchanged; then both handlers leave.
 */
public final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

  static final String DECODER = "archway-proxy-decoder";
  static final String NAME = "archway-proxy-reader";

  /** The addresses a header carried: {@code null} fields for a {@code LOCAL} or {@code UNKNOWN} header. */
  public record Header(InetSocketAddress client, InetSocketAddress listener) {}

  private final Promise<Header> promise;
  private final long timeoutMillis;
  private ScheduledFuture<?> deadline;

  private ProxyHeaderReader(Promise<Header> promise, long timeoutMillis) {
    this.promise = promise;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Starts reading the header of a just-accepted channel, in front of every handler already there. The
   * future completes with the header's addresses, or fails (and the channel is closed) for a client
   * that sends something else, a malformed header, nothing within {@code timeoutMillis}, or leaves.
   */
  public static Future<Header> install(Channel channel, long timeoutMillis) {
    Promise<Header> promise = channel.eventLoop().newPromise();
    channel.pipeline().addFirst(NAME, new ProxyHeaderReader(promise, timeoutMillis));
    channel.pipeline().addFirst(DECODER, new HAProxyMessageDecoder());
    channel.pipeline().addFirst(ProxyHeaderPrefix.NAME, new ProxyHeaderPrefix());
    channel.config().setAutoRead(true);
    return promise;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(
        () -> fail(ctx, new HAProxyProtocolException("no PROXY header within " + timeoutMillis + "ms")),
        timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage header)) {
      // Only once the header is read does the decoder let bytes through, and by then this handler is gone.
      ctx.fireChannelRead(msg);
      return;
    }
    Header result;
    try {
      result = addresses(header);
    } finally {
      ReferenceCountUtil.release(header);
    }
    // Before completing: the listener's next step may close the channel or change the pipeline.
    ctx.pipeline().remove(this);
    promise.trySuccess(result);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The decoder's failures (not a PROXY header, malformed, too long) end here: never past the header.
    fail(ctx, cause);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // The relay allows half-closure: a client's FIN before its header arrives as this event, not a close.
    if (evt instanceof ChannelInputShutdownEvent) {
      fail(ctx, closedEarly());
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx, closedEarly());
    ctx.fireChannelInactive();
  }

  private static HAProxyProtocolException closedEarly() {
    return new HAProxyProtocolException("the client closed the connection before its PROXY header");
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) deadline.cancel(false);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (promise.tryFailure(cause)) {
      if (deadline != null) deadline.cancel(false);
      ctx.channel().close();
    }
  }

  private static Header addresses(HAProxyMessage header) {
    HAProxyProxiedProtocol p = header.proxiedProtocol();
    boolean ip = p == HAProxyProxiedProtocol.TCP4 || p == HAProxyProxiedProtocol.TCP6
        || p == HAProxyProxiedProtocol.UDP4 || p == HAProxyProxiedProtocol.UDP6;
    if (header.command() == HAProxyCommand.LOCAL || !ip) return new Header(null, null);
    return new Header(
        new InetSocketAddress(io.netty.util.NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()),
            header.sourcePort()),
        new InetSocketAddress(io.netty.util.NetUtil.createInetAddressFromIpAddressString(header.destinationAddress()),
            header.destinationPort()));
  }
}
