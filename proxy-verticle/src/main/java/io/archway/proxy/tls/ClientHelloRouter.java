package io.archway.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Reads a passthrough client's ClientHello with Netty's parser, without decrypting anything, and then
 * steps aside: every byte it held (the ClientHello included, however many segments it came in) goes on
 * unchanged to the relay. Anything that is not a TLS ClientHello fails the client.
 */
public final class ClientHelloRouter extends AbstractSniHandler<String> {

  static final String NAME = "archway-client-hello";
  /**
   * The longest ClientHello read, as on tls listeners (Netty's own default; real ones are a few KiB).
   * Without it Netty would buffer whatever a client claims, up to 16 MiB per connection, until the deadline.
   */
  static final int MAX_CLIENT_HELLO = 64 * 1024;

  private ClientHelloRouter() {
    // No timeout of Netty's own: the watch's deadline covers it.
    super(MAX_CLIENT_HELLO, 0L);
  }

  /**
   * Starts reading the ClientHello of a just-accepted channel. The future completes with the server
   * name the client asked for ({@code sni} null when it sent none), or fails (and the channel is closed)
   * for a client that sends something else, nothing within {@code timeoutMillis}, or leaves.
   */
  public static Future<TlsSession> install(Channel channel, long timeoutMillis) {
    Promise<TlsSession> promise = channel.eventLoop().newPromise();
    channel.pipeline().addFirst(HandshakeWatch.NAME, new HandshakeWatch(promise, timeoutMillis, true, false));
    channel.pipeline().addFirst(NAME, new ClientHelloRouter());
    channel.config().setAutoRead(true);
    return promise;
  }

  @Override
  protected Future<String> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
    // Netty passes null for anything but a ClientHello (other records, plain text); never route that.
    if (clientHello == null) {
      return ctx.executor().newFailedFuture(new NotSslRecordException("the client sent no TLS ClientHello"));
    }
    return super.lookup(ctx, clientHello);
  }

  @Override
  protected Future<String> lookup(ChannelHandlerContext ctx, String hostname) {
    return ctx.executor().newSucceededFuture(hostname);
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<String> future) {
    // Leaving the pipeline hands every byte read so far to the next handler; the watch then learns the
    // outcome from the SNI completion event Netty fires after this.
    if (future.isSuccess()) ctx.pipeline().remove(this);
  }
}
