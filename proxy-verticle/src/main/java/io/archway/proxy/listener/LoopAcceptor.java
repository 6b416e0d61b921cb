package io.archway.proxy.listener;

import io.archway.core.config.ListenerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServerOptions;
import java.net.InetSocketAddress;

/**
 * A listening socket of one event loop's own, bound with {@code SO_REUSEPORT} beside the node's other
 * event loops' sockets at the same address: the kernel spreads new connections over them, and each
 * event loop accepts its own, as HAProxy's threads do. Vert.x's server instead accepts every connection
 * on its one acceptor thread and hands it to an event loop, a thread hop and about 10% of a core with a
 * new connection per request. The node's {@link PortClaim} keeps the address its own.
 */
final class LoopAcceptor implements Acceptor {

  private final Channel server;

  private LoopAcceptor(Channel server) {
    this.server = server;
  }

  static Future<Acceptor> listen(ContextInternal context, ListenerConfig config, Handler<Channel> accepted) {
    VertxInternal vertx = context.owner();
    PortClaim claim = PortClaim.join(vertx, config.host(), config.port(), config.reusePort());
    if (claim.problem() != null) {
      claim.leave();
      return Future.failedFuture(claim.problem());
    }
    EventLoop loop = context.nettyEventLoop();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loop, loop)
        .channelFactory(vertx.transport().serverChannelFactory(false))
        .childOption(ChannelOption.ALLOCATOR, VertxByteBufAllocator.POOLED_ALLOCATOR)
        .childHandler(handOver(context, accepted));
    // The transport's own settings for a server (SO_REUSEADDR, backlog, ...), SO_REUSEPORT always.
    vertx.transport().configure(new NetServerOptions().setReusePort(true).setTcpNoDelay(true), false, bootstrap);
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
        bind.channel().closeFuture().addListener(closed -> claim.leave());
        bound.complete(new LoopAcceptor(bind.channel()));
      } else {
        claim.leave();
        bound.fail(done.cause());
      }
    });
    return bound.future();
  }

  /** Gives each accepted channel, bare, to {@code accepted} on the verticle's context. */
  private static ChannelHandler handOver(ContextInternal context, Handler<Channel> accepted) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        context.emit(ch, accepted);
      }
    };
  }

  @Override
  public Future<Void> stop(long graceMillis) {
    Promise<Void> closed = Promise.promise();
    server.close().addListener(done -> closed.complete());
    return closed.future();
  }

  @Override
  public void close() {
    server.close();
  }
}
