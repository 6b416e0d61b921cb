package io.archway.health.probe;

import io.archway.core.config.HostPort;
import io.archway.core.config.ProxyProtocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A TLS probe: the target is up when it completes a TLS handshake within the timeout, with the same
 * trust, server name, host name check and client certificate the proxy uses for the pool; with TLS 1.3,
 * and when the target has not closed the connection {@link #TLS13_VERDICT_MILLIS} later (a TLS 1.3
 * server refuses a client certificate only after the handshake).
 */
public final class TlsProbe implements Check {

  /**
   * How long a TLS 1.3 probe waits after the handshake for the target to refuse the client certificate
   * (at most half the time its timeout leaves).
   */
  static final long TLS13_VERDICT_MILLIS = 250;

  private final NetClient client;
  private final SslContext context;
  private final Optional<String> sni;
  /** A PROXY header sent before the handshake, or null. */
  private final byte[] header;

  /** {@code sni}: the name to send and verify; empty: each target's host. */
  public TlsProbe(NetClient client, SslContext context, Optional<String> sni) {
    this(client, context, sni, null);
  }

  /** As above, sending a PROXY header without addresses first ({@code version} null: none). */
  public TlsProbe(NetClient client, SslContext context, Optional<String> sni, ProxyProtocol version) {
    this.header = ProbeHeader.of(version);
    this.client = client;
    this.context = context;
    this.sni = sni;
  }

  @Override
  public Future<Void> check(HostPort target, Duration timeout) {
    long millis = Math.max(1, timeout.toMillis());
    long start = System.nanoTime();
    Future<NetSocket> connect = client.connect(new ConnectOptions()
        .setHost(target.host())
        .setPort(target.port())
        .setTimeout((int) Math.min(Integer.MAX_VALUE, millis)));
    Future<Void> handshake = connect.compose(socket -> {
      Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
      SslHandler tls = context.newHandler(channel.alloc(), sni.orElse(target.host()), target.port());
      tls.setHandshakeTimeoutMillis(Math.max(1, millis - (System.nanoTime() - start) / 1_000_000));
      // A PROXY header goes before the handshake, in clear, as the proxy sends it.
      if (header != null) ((NetSocketInternal) socket).channelHandlerContext().writeAndFlush(Unpooled.wrappedBuffer(header));
      channel.pipeline().addFirst("archway-probe-tls", tls);
      // A failed handshake is this probe's result, not an error for Vert.x to log (at SEVERE, per probe).
      socket.exceptionHandler(e -> { });
      Promise<Void> done = Promise.promise();
      tls.handshakeFuture().addListener(f -> {
        if (!f.isSuccess()) {
          channel.close();
          Throwable cause = f.cause();
          while (cause.getCause() != null && cause.getMessage() == null) cause = cause.getCause();
          done.tryFail("TLS handshake failed: " + cause.getMessage());
          return;
        }
        if (!"TLSv1.3".equals(tls.engine().getSession().getProtocol())) {
          // Closing says close_notify first: a polite end for a probe the target just served.
          channel.close();
          done.tryComplete();
          return;
        }
        // TLS 1.3: the target judges the client certificate after the client's side of the handshake is
        // done, and a refusal arrives as an alert and a close. Wait for it a little before calling it up,
        // well inside the probe's timeout.
        long left = Math.max(0, millis - (System.nanoTime() - start) / 1_000_000);
        var verdict = channel.eventLoop().schedule(() -> {
          done.tryComplete();
          channel.close();
        }, Math.min(left / 2, TLS13_VERDICT_MILLIS), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(c -> {
          verdict.cancel(false);
          done.tryFail("the target closed the connection right after the TLS 1.3 handshake (did it refuse "
              + "the client certificate?)");
        });
      });
      return done.future();
    });
    // A connection that completes after the timeout fired must still be closed, not leaked.
    connect.onSuccess(socket -> handshake.onComplete(ar -> socket.close()));
    return handshake.timeout(millis, TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(
        e instanceof TimeoutException ? new TimeoutException("no TLS handshake within " + millis + "ms") : e));
  }
}
