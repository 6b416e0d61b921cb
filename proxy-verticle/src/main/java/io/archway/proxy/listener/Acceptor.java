package io.archway.proxy.listener;

import io.archway.core.config.ListenerConfig;
import io.archway.proxy.transport.GatewayTransport;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;

/**
 * Where a listener's connections come from on one proxy verticle: a listening socket and what it
 * accepts. Each accepted channel reaches the listener on the verticle's event loop and context, with a
 * pipeline that holds nothing that reads: the listener puts its own handlers in.
 */
public interface Acceptor {

  /**
   * Listens at {@code config}'s address: with a socket of this event loop's own when the node runs the
   * native transport ({@link LoopAcceptor}), else with Vert.x's server, whose one socket the node's
   * verticles share ({@link VertxAcceptor}). Fails with the operating system's reason (the caller names
   * the listener and the address).
   */
  static Future<Acceptor> listen(ContextInternal context, ListenerConfig config, Handler<Channel> accepted) {
    return GatewayTransport.eachLoopAccepts(context.owner())
        ? LoopAcceptor.listen(context, config, accepted)
        : VertxAcceptor.listen(context, config, accepted);
  }

  /**
   * Stops accepting now. Completes once the socket is closed; Vert.x's server also waits (up to
   * {@code graceMillis}) for the connections it accepted, and closes those still open then.
   */
  Future<Void> stop(long graceMillis);

  /** Stops accepting now, without waiting for anything. */
  void close();
}
