package io.archway.proxy.listener;

import io.archway.core.config.ListenerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's TCP server, for a node without the native transport (NIO has no {@code SO_REUSEPORT} in
 * Vert.x): the verticles that listen at one address share its one socket, accepted on Vert.x's acceptor
 * thread. Each connection leaves Vert.x at once: its handler is taken out of the pipeline before a
 * byte is read.
 */
final class VertxAcceptor implements Acceptor {

  private final NetServer server;

  private VertxAcceptor(NetServer server) {
    this.server = server;
  }

  static Future<Acceptor> listen(ContextInternal context, ListenerConfig config, Handler<Channel> accepted) {
    NetServer server = context.owner().createNetServer(new NetServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setReusePort(config.reusePort())
        .setTcpNoDelay(true));
    server.connectHandler(socket -> {
      ChannelHandlerContext vertx = ((NetSocketInternal) socket).channelHandlerContext();
      Channel ch = vertx.channel();
      ch.pipeline().remove(vertx.name());
      accepted.handle(ch);
    });
    return server.listen().<Acceptor>map(s -> new VertxAcceptor(server)).onFailure(err -> server.close());
  }

  @Override
  public Future<Void> stop(long graceMillis) {
    return server.shutdown(graceMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    server.close();
  }
}
