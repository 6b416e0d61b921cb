package io.archway.proxy.listener;

import io.archway.core.config.ListenerConfig;
import io.archway.core.log.RateLimitedLog;
import io.archway.core.node.FileLimit;
import io.archway.proxy.transport.ListenerSockets;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServerOptions;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening socket of one event loop's own, bound with {@code SO_REUSEPORT} beside the node's other
 * event loops' sockets at the same address: the kernel spreads new connections over them, and each
 * event loop accepts its own, as HAProxy's threads do. Vert.x's server instead accepts every connection
 * on its one acceptor thread and hands it to an event loop, a thread hop and about 10% of a core with a
 * new connection per request. The node's {@link PortClaim} keeps the address its own.
 *
 * <p>The kernel spreads by a hash of the client's address and port, not by load: 50 kept-alive clients
 * split 30 to 20 as often as not, and the busier loop then runs out first. So an accepted connection
 * stays on the loop that accepted it unless that loop has clearly more open connections than another
 * of the address ({@link PortClaim#lightest}); then it is registered on that one instead, which costs
 * the thread hop Vert.x pays for every connection, for these few only.
 */
final class LoopAcceptor implements Acceptor {

  private static final RateLimitedLog OUT_OF_FILES_LOG = new RateLimitedLog(LoopAcceptor.class.getName(), 10_000);
  /** How long accepting rests after the process ran out of descriptors, as Netty's own acceptor does. */
  private static final long REST_SECONDS = 1;

  private final String listener;
  private final ContextInternal context;
  private final Handler<Channel> accepted;
  private final PortClaim claim;
  /** Connections this loop took for this address and that are still open; read by the other loops. */
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean stopped;
  private Channel server;

  private LoopAcceptor(String listener, ContextInternal context, Handler<Channel> accepted, PortClaim claim) {
    this.listener = listener;
    this.context = context;
    this.accepted = accepted;
    this.claim = claim;
  }

  static Future<Acceptor> listen(ContextInternal context, ListenerConfig config, Handler<Channel> accepted) {
    VertxInternal vertx = context.owner();
    PortClaim claim = PortClaim.join(vertx, config.host(), config.port(), config.reusePort());
    if (claim.problem() != null) {
      claim.leave();
      return Future.failedFuture(claim.problem());
    }
    LoopAcceptor acceptor = new LoopAcceptor(config.name(), context, accepted, claim);
    EventLoop loop = context.nettyEventLoop();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loop, loop)
        .channelFactory(ListenerSockets.forHost(vertx.transport(), config.host()))
        .childOption(ChannelOption.ALLOCATOR, VertxByteBufAllocator.POOLED_ALLOCATOR)
        // Never reached: Intake takes every accepted channel before Netty's own acceptor would.
        .childHandler(new ChannelInboundHandlerAdapter());
    // The transport's own settings for a server (SO_REUSEADDR, backlog, ...), SO_REUSEPORT always.
    vertx.transport().configure(new NetServerOptions().setReusePort(true).setTcpNoDelay(true), false, bootstrap);
    bootstrap.handler(acceptor.new Intake(Map.copyOf(bootstrap.config().childOptions())));
    Promise<Acceptor> bound = context.promise();
    ChannelFuture bind;
    try {
      bind = bootstrap.bind(new InetSocketAddress(config.host(), config.port()));
    } catch (RuntimeException e) {
      claim.leave();
      return Future.failedFuture(e);
    }
    bind.addListener(done -> {
      if (done.isSuccess()) {
        acceptor.server = bind.channel();
        claim.add(acceptor);
        bind.channel().closeFuture().addListener(closed -> {
          claim.remove(acceptor);
          claim.leave();
        });
        bound.complete(acceptor);
      } else {
        claim.leave();
        bound.fail(done.cause());
      }
    });
    return bound.future();
  }

  /** Open connections of this loop at this address. */
  int open() {
    return open.get();
  }

  /** Whether this loop still takes connections. */
  boolean accepting() {
    return !stopped;
  }

  /** Registers {@code child} on this loop and hands it, bare, to the listener on its context. */
  private void take(Channel child) {
    open.incrementAndGet();
    child.closeFuture().addListener(closed -> open.decrementAndGet());
    EventLoop loop = context.nettyEventLoop();
    // The listener goes on before registering: added from another loop after the registration is done,
    // it would run only after the channel went active and read its first bytes with nobody to take them.
    ChannelPromise registered = new DefaultChannelPromise(child, loop);
    registered.addListener(done -> {
      if (done.isSuccess()) {
        context.emit(child, accepted);
      } else {
        child.unsafe().closeForcibly();
      }
    });
    loop.register(registered);
  }

  /**
   * In the listening channel's pipeline, before Netty's own acceptor: sets each accepted channel's
   * options and gives it to the loop that should serve it.
   */
  private final class Intake extends ChannelInboundHandlerAdapter {
    private final Map<ChannelOption<?>, Object> childOptions;

    Intake(Map<ChannelOption<?>, Object> childOptions) {
      this.childOptions = childOptions;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel child = (Channel) msg;
      try {
        child.config().setOptions(childOptions);
      } catch (RuntimeException e) {
        child.unsafe().closeForcibly();
        return;
      }
      claim.lightest(LoopAcceptor.this).take(child);
    }

    /**
     * An accept failed. Out of descriptors, no connection can be taken until some are free: the clients
     * wait in the kernel's backlog (as with HAProxy and NGINX), accepting rests a second rather than
     * failing in a loop, and one line says so rather than a stack trace per attempt. Other errors go on
     * to Netty's acceptor, which rests the same way.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!FileLimit.exhausted(cause)) {
        ctx.fireExceptionCaught(cause);
        return;
      }
      OUT_OF_FILES_LOG.log(() -> "out of file descriptors: listener '" + listener + "' cannot accept new "
          + "connections; they wait in the kernel's backlog until descriptors are free (raise the limit: "
          + "LimitNOFILE=, ulimit -n)");
      Channel server = ctx.channel();
      server.config().setAutoRead(false);
      server.eventLoop().schedule(() -> {
        if (server.isOpen()) server.config().setAutoRead(true);
      }, REST_SECONDS, TimeUnit.SECONDS);
    }
  }

  @Override
  public Future<Void> stop(long graceMillis) {
    stopped = true;
    Promise<Void> closed = Promise.promise();
    server.close().addListener(done -> closed.complete());
    return closed.future();
  }

  @Override
  public void close() {
    stopped = true;
    server.close();
  }
}
