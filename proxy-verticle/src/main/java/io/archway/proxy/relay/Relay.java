package io.archway.proxy.relay;

import io.archway.proxy.connect.Unrelayed;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One client connection from accept to close: holds the client still until its backend is connected,
 * relays both ways, propagates half-closes, enforces the idle and half-close timeouts, and records why
 * and when it ended. Everything runs on the client's event loop, which the backend connection shares.
 */
public final class Relay {

  private final RelayPolicy policy;
  private final Channel client;
  private final RelaySide clientSide;
  private SocketAddress clientAddress;
  private SocketAddress listenerAddress;
  private final long acceptNanos = System.nanoTime();
  private final long acceptMillis = System.currentTimeMillis();
  private final Runnable idleTask = this::checkIdle;
  private RelaySide backendSide;
  private Channel backend;
  private String target;
  private Termination termination;
  private long connectNanos = -1;
  private long endNanos;
  private long lastActivity;
  private boolean connecting = true;
  private boolean closing;
  /** Closed by the gateway ({@link #close}): its reason stands, also over a handshake failure. */
  private boolean closedByGateway;
  private boolean finished;
  /** Channels of this relay not yet inactive. */
  private int open = 1;
  private ScheduledFuture<?> idleCheck;
  private ScheduledFuture<?> halfCloseDeadline;

  private Relay(RelayPolicy policy, Channel client) {
    this.policy = policy;
    this.client = client;
    this.clientAddress = client.remoteAddress();
    this.listenerAddress = client.localAddress();
    // Before anything can be read: a byte read now would have nowhere to go.
    client.config().setAutoRead(false);
    this.clientSide = RelaySide.install(this, true, policy.bytesIn(), client);
  }

  /**
   * Takes over an accepted client channel whose pipeline holds no handler that reads (the listener's
   * own socket gives it bare; TLS and PROXY header handlers go in front later); call on its event loop.
   */
  public static Relay accept(Channel client, RelayPolicy policy) {
    return new Relay(policy, client);
  }

  /** Relays the client to {@code channel}, a fresh connection to {@code target} on the same event loop. */
  public void connected(Channel channel, String target) {
    connecting = false;
    this.target = target;
    // The relay's state is confined to one thread; a backend on another loop would race it.
    if (closing || channel.eventLoop() != client.eventLoop()) {
      channel.close();
      if (!closing) reject(Termination.CONNECT_FAILED, target);
      maybeFinish();
      return;
    }
    open++;
    connectNanos = System.nanoTime() - acceptNanos;
    backend = channel;
    Unrelayed.remove(backend);
    backendSide = RelaySide.install(this, false, policy.bytesOut(), backend);
    clientSide.pair(backendSide);
    clientSide.forwardEarly();
    EarlyBytes.release(backend);
    if (clientSide.inputShut()) backendSide.shutdownOutput(this::directionDone);
    clientSide.resume();
    lastActivity = System.nanoTime();
    idleCheck = schedule(idleTask, policy.idleNanos());
  }

  /** Closes a client that could not be relayed; {@code target} is the last one tried, if any. */
  public void reject(Termination why, String target) {
    connecting = false;
    this.target = target;
    if (!closing) {
      closing = true;
      termination = why;
      client.close();
    }
    maybeFinish();
  }

  /**
   * Closes a client whose TLS handshake (or passthrough ClientHello) did not complete. It was never
   * relayed, so this is its termination whatever closed it first.
   */
  public void handshakeFailed() {
    connecting = false;
    if (!closedByGateway) termination = Termination.TLS_FAILED;
    if (!closing) {
      closing = true;
      client.close();
    }
    maybeFinish();
  }

  /**
   * Closes both channels now, whatever they still hold; {@code why} becomes the termination unless the
   * relay was already closing for another reason.
   */
  public void close(Termination why) {
    if (finished) return;
    if (!closing) {
      closedByGateway = true;
      closing = true;
      termination = why;
    }
    client.close();
    if (backend != null) backend.close();
  }

  void touch() {
    lastActivity = System.nanoTime();
  }

  boolean closing() {
    return closing;
  }

  void inputShutdown(RelaySide side) {
    if (termination == null) termination = sideClosed(side);
    if (halfCloseDeadline == null && !closing) {
      halfCloseDeadline = schedule(this::halfCloseExpired, policy.halfCloseNanos());
    }
    RelaySide to = side.peer();
    if (to != null) to.shutdownOutput(this::directionDone);
  }

  void failed(RelaySide side) {
    if (termination == null) termination = sideClosed(side);
    side.channel().close();
  }

  void inactive(RelaySide side) {
    open--;
    if (!closing) {
      closing = true;
      if (termination == null) termination = sideClosed(side);
      RelaySide other = side.peer();
      if (other != null && other.channel().isActive()) other.flushAndClose();
    }
    maybeFinish();
  }

  private void directionDone() {
    if (closing || backendSide == null) return;
    if (clientSide.forwardedEnd() && backendSide.forwardedEnd()) {
      closing = true;
      client.close();
      backend.close();
    }
  }

  private void halfCloseExpired() {
    halfCloseDeadline = null;
    if (finished) return;
    closing = true;
    client.close();
    if (backend != null) backend.close();
  }

  /** One scheduled check per connection; reads only stamp a time, so a busy relay costs no timer work. */
  private void checkIdle() {
    idleCheck = null;
    if (finished) return;
    long idle = System.nanoTime() - lastActivity;
    if (idle >= policy.idleNanos()) {
      close(Termination.IDLE_TIMEOUT);
    } else {
      idleCheck = schedule(idleTask, policy.idleNanos() - idle);
    }
  }

  private void maybeFinish() {
    if (finished || connecting || open > 0) return;
    finished = true;
    endNanos = System.nanoTime();
    if (idleCheck != null) idleCheck.cancel(false);
    if (halfCloseDeadline != null) halfCloseDeadline.cancel(false);
    policy.onFinished().accept(this);
  }

  private ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return client.eventLoop().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  private static Termination sideClosed(RelaySide side) {
    return side.isClient() ? Termination.CLIENT_CLOSE : Termination.BACKEND_CLOSE;
  }

  /** The client's channel, for the listener to put TLS in front of the relay. */
  public Channel clientChannel() {
    return client;
  }

  public Termination termination() {
    return termination;
  }

  /** The target relayed to, or the last one tried when none accepted; {@code null} when none was tried. */
  public String target() {
    return target;
  }

  /** The client's address: the peer's, or the source that its PROXY header carried. */
  public SocketAddress clientAddress() {
    return clientAddress;
  }

  /** The address the client connected to: the local one, or the destination its PROXY header carried. */
  public SocketAddress listenerAddress() {
    return listenerAddress;
  }

  /** The client and listener addresses that an accepted PROXY header carried. */
  public void proxied(SocketAddress client, SocketAddress listener) {
    this.clientAddress = client;
    this.listenerAddress = listener;
  }

  public long acceptMillis() {
    return acceptMillis;
  }

  /** From accept to the backend connection, retries included; -1 when never connected. */
  public long connectNanos() {
    return connectNanos;
  }

  /** From accept to the close of the last channel. */
  public long durationNanos() {
    return endNanos - acceptNanos;
  }

  public long bytesIn() {
    return clientSide.bytes();
  }

  public long bytesOut() {
    return backendSide == null ? 0 : backendSide.bytes();
  }
}
