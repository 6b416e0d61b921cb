package io.archway.proxy.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Sits just behind the TLS handlers of a client channel until the client's TLS is settled: completes
 * its promise with the session once the handshake (or, passthrough, the ClientHello) is done, or fails
 * it on the handler's error, the client's close, or the deadline, and then closes the channel. Then it
 * leaves the pipeline. One deadline covers the whole handshake, so a silent or slow client cannot hold
 * a connection longer than that.
 */
final class HandshakeWatch extends ChannelInboundHandlerAdapter {

  static final String NAME = "archway-tls-watch";

  private final Promise<TlsSession> promise;
  private final long timeoutMillis;
  /** Passthrough: the ClientHello is all there is to wait for. */
  private final boolean passthrough;
  /**
   * Whether the listener asks clients for a certificate. Without it there is no subject to read, and
   * asking the engine anyway costs an exception with its stack trace per handshake (seen in profiles).
   */
  private final boolean clientCertificates;
  private ScheduledFuture<?> deadline;
  private String sni;

  HandshakeWatch(Promise<TlsSession> promise, long timeoutMillis, boolean passthrough, boolean clientCertificates) {
    this.promise = promise;
    this.timeoutMillis = timeoutMillis;
    this.passthrough = passthrough;
    this.clientCertificates = clientCertificates;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> fail(ctx, new SslHandshakeTimeoutException(
        (passthrough ? "no TLS ClientHello within " : "no completed handshake within ") + timeoutMillis + "ms")),
        timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The relay allows half-closure, so a client's FIN arrives as this event, not as a close: a
      // client that stops sending cannot finish its handshake (nor its ClientHello), and without this
      // it would be held until the deadline (seen in the soak: clients that exit right after connecting).
      fail(ctx, abandoned());
      return;
    }
    if (evt instanceof SniCompletionEvent sni) {
      // An empty server_name (found by fuzzing) is no name: it routes, and logs, as a ClientHello without SNI.
      this.sni = sni.hostname() == null || sni.hostname().isEmpty() ? null : sni.hostname();
      if (!sni.isSuccess()) {
        fail(ctx, sni.cause());
      } else if (passthrough) {
        succeed(ctx, TlsSession.passthrough(this.sni));
      }
    } else if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        succeed(ctx, session(ctx));
      } else {
        fail(ctx, done.cause());
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // While the handshake runs, acknowledge the client's next flight at once. A client that writes its
    // Finished and its first request separately with Nagle on holds the request until that ACK, and
    // the OpenSSL engine sends nothing to carry it (its TLS 1.3 tickets leave with the first reply):
    // without this, every new connection's first request waits for a delayed ACK (40 ms on Linux).
    if (!passthrough && !promise.isDone()) QuickAck.request(ctx.channel());
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, cause);
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx, abandoned());
    ctx.fireChannelInactive();
  }

  private Abandoned abandoned() {
    return new Abandoned(passthrough
        ? "the client closed the connection before its ClientHello"
        : "the client closed the connection during the handshake");
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) deadline.cancel(false);
  }

  private void succeed(ChannelHandlerContext ctx, TlsSession session) {
    if (promise.trySuccess(session) && !ctx.isRemoved()) ctx.pipeline().remove(this);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (promise.tryFailure(cause)) {
      if (deadline != null) deadline.cancel(false);
      ctx.channel().close();
    }
  }

  private TlsSession session(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    SSLSession session = ssl.engine().getSession();
    return new TlsSession(session.getProtocol(), session.getCipherSuite(), sni,
        clientCertificates ? clientSubject(session) : null);
  }

  private static String clientSubject(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x.getSubjectX500Principal().getName() : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** A client that left mid-handshake: an outcome, so no stack trace is filled in. */
  static final class Abandoned extends Exception {
    Abandoned(String message) {
      super(message, null, false, false);
    }
  }
}
