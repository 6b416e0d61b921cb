package io.archway.proxy.connect;

import io.archway.core.config.ProxyProtocol;
import io.archway.core.log.RateLimitedLog;
import io.archway.core.node.FileLimit;
import io.archway.proxy.pool.Pool;
import io.archway.proxy.pool.Target;
import io.archway.proxy.relay.Termination;
import io.archway.proxy.tls.BackendTls;
import io.archway.proxy.proxyprotocol.ProxyHeaders;
import io.archway.proxy.tls.HandshakeLog;
import io.archway.proxy.transport.TargetSockets;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.resolver.AddressResolverGroup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.spi.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.net.SocketAddress;

/**
 * Opens a connection to one of a pool's targets: the first pick, then up to {@code retries} other
 * targets when a connect fails or times out. Connections are Netty channels on the proxy verticle's
 * event loop (the client's), made with the node's transport and its socket options as Vert.x's client
 * would make them, but without Vert.x's connection objects around them, which the relay would only
 * take out again. Call on that event loop.
 */
public final class Connector {

  private static final RateLimitedLog OUT_OF_FILES_LOG = new RateLimitedLog(Connector.class.getName(), 10_000);
  /** Vert.x's client defaults, with Nagle off. */
  private static final NetClientOptions OPTIONS = new NetClientOptions().setTcpNoDelay(true);

  private final ContextInternal context;
  private final Transport transport;
  /** Vert.x's own name resolver, for targets named by host name. */
  private final AddressResolverGroup<InetSocketAddress> resolver;

  /** Connects on {@code context}'s event loop: the proxy verticle's. */
  public Connector(ContextInternal context) {
    this.context = context;
    VertxInternal vertx = context.owner();
    this.transport = vertx.transport();
    this.resolver = vertx.nameResolver().nettyAddressResolverGroup();
  }

  /**
   * Whether a connect failed because the new channel was closed on this side before the target answered
   * (a refusal or a timeout has its own exception). Seen in the soak, about once in 2,000-12,000 new
   * connections while hundreds of clients closed at once: Netty's epoll loop read the still-connecting
   * socket, got ENOTCONN and closed it. Not the target's failure: the Connector, and the HTTP exchange
   * for its pooled connections, try the same target once more without counting it against the target.
   */
  public static boolean closedOnThisSide(Throwable connectFailure) {
    return connectFailure instanceof ClosedChannelException;
  }

  /**
   * Completes with the first target that accepted; fails with a {@link ConnectFailure} once no
   * usable target is left or the retries are spent. {@code client} is the client's address (it drives
   * {@code source-hash} and the PROXY header), {@code listener} the address it connected to; either may
   * be null when unknown. The target counts as active from its pick until its connection closes.
   */
  public Future<Backend> connect(Pool pool, SocketAddress client, SocketAddress listener) {
    Promise<Backend> promise = Promise.promise();
    new Attempts(pool, promise, client, listener).next();
    return promise.future();
  }

  /** As {@link #connect(Pool, SocketAddress, SocketAddress)} for a client whose address does not matter. */
  public Future<Backend> connect(Pool pool) {
    return connect(pool, null, null);
  }

  /** The targets tried so far for one client. */
  private final class Attempts {
    private final Pool pool;
    private final Promise<Backend> promise;
    private final int[] tried;
    private final SocketAddress from;
    private final SocketAddress listener;
    private final byte[] clientIp;
    private int count;
    private Target last;
    /** Whether a connect closed on this side was tried again (once per client). */
    private boolean reopened;

    Attempts(Pool pool, Promise<Backend> promise, SocketAddress client, SocketAddress listener) {
      this.pool = pool;
      this.promise = promise;
      this.tried = new int[pool.config().retries() + 1];
      this.from = client;
      this.listener = listener;
      this.clientIp = client instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getAddress() : null;
    }

    void next() {
      int index = count < tried.length ? pool.pick(tried, count, clientIp) : -1;
      if (index < 0) {
        promise.fail(count == 0
            ? new ConnectFailure(Termination.NO_TARGET, null, "pool '" + pool.name() + "' has no healthy enabled target")
            : new ConnectFailure(Termination.CONNECT_FAILED, last.key(),
                "pool '" + pool.name() + "': " + count + " connect attempt(s) failed, the last to " + last));
        return;
      }
      tried[count++] = index;
      if (count > 1) pool.retryMeters().retried();
      attempt(pool.target(index));
    }

    private void attempt(Target target) {
      last = target;
      target.opening();
      long start = System.nanoTime();
      int timeout = (int) Math.min(Integer.MAX_VALUE, pool.config().connectTimeout().toMillis());
      Bootstrap bootstrap = new Bootstrap()
          .group(context.nettyEventLoop())
          .channelFactory(TargetSockets.forHost(transport, target.connectHost()))
          .resolver(resolver)
          .option(ChannelOption.ALLOCATOR, VertxByteBufAllocator.POOLED_ALLOCATOR)
          .handler(Unrelayed.INSTANCE);
      transport.configure(OPTIONS, timeout, false, bootstrap);
      ChannelFuture connect = bootstrap.connect(InetSocketAddress.createUnresolved(target.connectHost(), target.address().port()));
      connect.addListener(connected -> {
        if (!connected.isSuccess()) {
          target.released();
          if (FileLimit.exhausted(connected.cause())) {
            // Not the target's doing, and every other target would fail the same way.
            OUT_OF_FILES_LOG.log(() -> "out of file descriptors: cannot connect to any target (pool '" + pool.name()
                + "'); new clients are closed until descriptors are free (raise the limit: ulimit -n, LimitNOFILE)");
            promise.fail(new ConnectFailure(Termination.OUT_OF_FILES, target.key(),
                "pool '" + pool.name() + "': this process is out of file descriptors"));
            return;
          }
          ConnectLog.failed(pool.name(), target.key(), connected.cause());
          if (closedOnThisSide(connected.cause()) && !reopened) {
            reopened = true;
            attempt(target);
            return;
          }
          target.connectFailed();
          next();
          return;
        }
        Channel channel = connect.channel();
        ProxyProtocol header = pool.config().traffic().proxyProtocol().orElse(null);
        if (header != null) {
          // Before TLS, as HAProxy does: the header is the first byte on the wire, outside the TLS stream.
          ProxyHeaders.send(channel, header, from, listener);
        }
        BackendTls tls = pool.tls();
        if (tls == null) {
          target.connectSucceeded();
          pool.connected(System.nanoTime() - start);
          if (count > 1) pool.retryMeters().redispatched();
          channel.closeFuture().addListener(closed -> target.released());
          promise.complete(new Backend(channel, target));
          return;
        }
        // The handshake counts as part of the connect: its time, its timeout, and a retry when it fails.
        // A failure is the handshake future's to report (HandshakeLog); Unrelayed keeps it from Netty's log.
        long left = Math.max(1, pool.config().connectTimeout().toMillis() - (System.nanoTime() - start) / 1_000_000);
        tls.handshake(channel, target.address().host(), target.address().port(), left).addListener(done -> {
          if (done.isSuccess()) {
            target.connectSucceeded();
            pool.connected(System.nanoTime() - start);
            if (count > 1) pool.retryMeters().redispatched();
            channel.closeFuture().addListener(closed -> target.released());
            promise.complete(new Backend(channel, target));
          } else {
            HandshakeLog.targetFailed(pool.name(), target.key(), done.cause());
            channel.close();
            target.released();
            target.connectFailed();
            next();
          }
        });
      });
    }
  }
}
