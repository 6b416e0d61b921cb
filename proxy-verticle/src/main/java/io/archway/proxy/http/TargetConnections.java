package io.archway.proxy.http;

import io.archway.core.config.PoolConfig;
import io.archway.proxy.pool.Target;
import io.archway.proxy.relay.EarlyBytes;
import io.archway.proxy.tls.BackendTls;
import io.archway.proxy.tls.HandshakeLog;
import io.archway.proxy.transport.TargetSockets;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.resolver.AddressResolverGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * The HTTP/1.1 connections one proxy verticle keeps to the targets of one pool, for the listeners that
 * forward at the Netty level ({@link PlainHttpListener}): per target, the idle ones (the last used first),
 * at most {@code maxConnections} open, and the requests waiting for one. Connections are opened on the
 * verticle's event loop with the client channel's own transport, so a request and its target connection
 * share one thread. Confined to that event loop.
 */
final class TargetConnections {

  /** Response headers as Vert.x's own multimap, which the header helpers edit in place. */
  static final HttpHeadersFactory HEADERS = new HttpHeadersFactory() {
    @Override
    public HttpHeaders newHeaders() {
      return HeadersMultiMap.httpHeaders();
    }

    @Override
    public HttpHeaders newEmptyHeaders() {
      return HeadersMultiMap.httpHeaders();
    }
  };
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  private final PoolConfig config;
  private final AddressResolverGroup<InetSocketAddress> resolver;
  private final LongConsumer connected;
  private final Map<String, Slot> slots = new HashMap<>();
  /** Set once the pool's settings changed or it is gone: no connection is kept or opened any more. */
  private boolean retired;

  /** The connections of one target; each connection holds its own, so giving it back looks nothing up. */
  static final class Slot {
    final ArrayDeque<TargetConnection> idle = new ArrayDeque<>();
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    int open;
    /** The target left the pool: its connections are not kept any more. */
    boolean removed;
  }

  private record Waiter(Target target, BackendTls tls, Channel client, BiConsumer<TargetConnection, Throwable> then) {}

  /** {@code connected} takes the time each new connection took to open, its TLS handshake included. */
  TargetConnections(PoolConfig config, AddressResolverGroup<InetSocketAddress> resolver, LongConsumer connected) {
    this.config = config;
    this.resolver = resolver;
    this.connected = connected;
  }

  /**
   * Calls {@code then} with an idle connection to {@code target}, a new one, or one a request gives back
   * (when {@code maxConnections} are open); or with the connect's failure. {@code client} is the
   * client's channel: a new connection uses its event loop and transport. {@code tls}: the pool's
   * client TLS for {@code https}, else null.
   */
  void lease(Target target, BackendTls tls, Channel client, BiConsumer<TargetConnection, Throwable> then) {
    Slot slot = slots.computeIfAbsent(target.key(), k -> new Slot());
    TargetConnection idle;
    while ((idle = slot.idle.pollFirst()) != null) {
      if (idle.usable()) {
        then.accept(idle, null);
        return;
      }
      idle.close();
    }
    if (slot.open < config.http().maxConnections() || retired) {
      open(slot, new Waiter(target, tls, client, then));
    } else {
      slot.waiting.addLast(new Waiter(target, tls, client, then));
    }
  }

  /**
   * Takes a connection back once its exchange is over: kept for the next request when {@code reusable}
   * (the target framed its response and did not ask to close), else closed.
   */
  void release(TargetConnection connection, boolean reusable) {
    Slot slot = connection.slot();
    if (!reusable || retired || slot.removed || !connection.usable()) {
      connection.close();
      return;
    }
    Waiter next = slot.waiting.pollFirst();
    if (next != null) {
      next.then().accept(connection, null);
    } else {
      slot.idle.addFirst(connection);
    }
  }

  /** A connection closed (by either side): it no longer counts, and a waiting request may open one. */
  private void closed(Slot slot, TargetConnection connection) {
    slot.open--;
    slot.idle.remove(connection);
    Waiter next = slot.waiting.pollFirst();
    if (next != null) open(slot, next);
  }

  /** How long a connection may carry nothing before it is closed: the pool's idle timeout. */
  long idleMillis() {
    return config.idleTimeout().toMillis();
  }

  /**
   * The pool's targets are now those keyed so: the idle connections to any other close now, and its
   * busy ones when their exchange ends (none is kept or reused for it any more).
   */
  void keepOnly(Set<String> targetKeys) {
    for (var it = slots.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (targetKeys.contains(e.getKey())) continue;
      it.remove();
      e.getValue().removed = true;
      closeIdle(e.getValue());
    }
  }

  /** Closes the idle connections; the busy ones close when their exchange ends. */
  void retire() {
    retired = true;
    slots.values().forEach(TargetConnections::closeIdle);
  }

  /** Closes a slot's idle connections (over a copy: each close takes its connection out, {@link #closed}). */
  private static void closeIdle(Slot slot) {
    for (TargetConnection c : slot.idle.toArray(new TargetConnection[0])) c.close();
  }

  private void open(Slot slot, Waiter w) {
    slot.open++;
    Target target = w.target();
    long start = System.nanoTime();
    long connectMillis = config.connectTimeout().toMillis();
    TargetConnection connection = new TargetConnection(target, this, slot);
    Bootstrap bootstrap = new Bootstrap()
        .group(w.client().eventLoop())
        .channelFactory(TargetSockets.like(w.client(), target.connectHost()))
        .resolver(resolver)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectMillis)))
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("codec", new TargetCodec(new HttpDecoderConfig()
                .setHeadersFactory(HEADERS).setTrailersFactory(HEADERS)));
            ch.pipeline().addLast("target", connection);
          }
        });
    ChannelFuture connect = bootstrap.connect(
        InetSocketAddress.createUnresolved(target.connectHost(), target.address().port()));
    connect.channel().closeFuture().addListener(f -> closed(slot, connection));
    connect.addListener(done -> {
      if (!done.isSuccess()) {
        w.then().accept(null, done.cause());
        return;
      }
      Channel ch = connect.channel();
      if (w.tls() == null) {
        connected.accept(System.nanoTime() - start);
        w.then().accept(connection, null);
        return;
      }
      long left = Math.max(1, connectMillis - (System.nanoTime() - start) / 1_000_000);
      w.tls().handshake(ch, target.address().host(), target.address().port(), left).addListener(hs -> {
        if (hs.isSuccess()) {
          EarlyBytes.release(ch);
          connected.accept(System.nanoTime() - start);
          w.then().accept(connection, null);
        } else {
          HandshakeLog.targetFailed(config.name(), target.key(), hs.cause());
          ch.close();
          w.then().accept(null, hs.cause());
        }
      });
    });
  }
}
