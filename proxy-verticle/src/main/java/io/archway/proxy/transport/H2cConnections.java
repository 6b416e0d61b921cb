package io.archway.proxy.transport;

import io.archway.proxy.http.FirstBytes;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServerOptions;

/**
 * Puts {@link FirstBytes} at the head of every connection an h2c HTTP server accepts. Vert.x's HTTP
 * server listens through a net server whose options are the HTTP server's own, and asks the transport
 * to configure its bootstrap after it set the bootstrap's child handler: that handler is wrapped here.
 */
final class H2cConnections {

  static final String NAME = "archwayFirstBytes";

  private H2cConnections() {}

  /** Does nothing unless {@code options} are those of a plaintext HTTP server with h2c on. */
  static void guard(NetServerOptions options, ServerBootstrap bootstrap) {
    if (!(options instanceof HttpServerOptions http) || !http.isHttp2ClearTextEnabled() || http.isSsl()) return;
    if (http.isUseProxyProtocol()) {
      // Vert.x would read a PROXY header before telling HTTP/1 from HTTP/2: FirstBytes would not see it.
      throw new IllegalStateException("the h2c smuggling guard does not support Vert.x's PROXY protocol option");
    }
    ChannelHandler vertx = bootstrap.config().childHandler();
    if (vertx == null) throw new IllegalStateException("the HTTP server's child handler is not set yet: "
        + "this Vert.x version configures its transport in another order; the h2c smuggling guard cannot go in");
    HttpServerOptions copy = new HttpServerOptions(http);
    bootstrap.childHandler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel channel) {
        channel.pipeline().addLast(NAME, new FirstBytes(copy)).addLast(vertx);
      }
    });
  }
}
