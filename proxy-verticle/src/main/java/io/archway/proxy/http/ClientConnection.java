package io.archway.proxy.http;

import io.archway.proxy.accesslog.HttpAccessLogEntry;
import io.archway.proxy.relay.Termination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler.UpgradeEvent;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A client's HTTP/1.x connection to a {@link PlainHttpListener}, the last handler of its pipeline (after
 * the strict request decoder and the response encoder): one {@link Forward} at a time, requests the
 * client pipelined behind it held until it is over, reads paused while a request body has nowhere to
 * go. Closes at the listener's idle timeout. On a connection that switched to HTTP/2 ({@link H2c}) it
 * stays last in the connection's pipeline to drain and close it, and hands the {@code Upgrade: h2c}
 * request that switched it to {@link H2Streams} as stream 1; the streams are theirs from then on.
 * Confined to the connection's event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ClientEnd {

  /** Pipelined requests read ahead of their turn, at most: then reading waits. */
  private static final int MAX_QUEUED = 16;

  private final PlainHttpListener listener;
  private final IdleWatch idle;
  /** The connection switched to HTTP/2: its streams carry the requests. */
  private H2Streams http2;
  private Deadline deadline;
  private Channel channel;
  private InetSocketAddress remoteAddress;
  private String remoteIp;
  private Forward current;
  private final ArrayDeque<Object> queued = new ArrayDeque<>(0);
  /** The listener is stopping: the connection ends after the exchange in flight. */
  private boolean closing;
  /** Protocols switched (a WebSocket): the tunnel owns the channel. */
  private boolean handedOver;

  ClientConnection(PlainHttpListener listener, IdleWatch idle) {
    this.listener = listener;
    this.idle = idle;
  }

  /** From now on the connection's requests come on HTTP/2 streams. */
  void switchedToHttp2(H2Streams streams) {
    http2 = streams;
  }

  HttpSite site() {
    return listener.site();
  }

  @Override
  public Channel transport() {
    return channel;
  }

  @Override
  public boolean multiplexed() {
    return false;
  }

  @Override
  public String protocol(HttpVersion version) {
    return version == HttpVersion.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1";
  }

  @Override
  public IdleWatch idle() {
    return idle;
  }

  Channel channel() {
    return channel;
  }

  @Override
  public Deadline deadline() {
    return deadline;
  }

  @Override
  public String remoteIp() {
    return remoteIp;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public boolean closing() {
    return closing;
  }

  // ---- the response of the exchange in flight ----

  @Override
  public void write(HttpObject part) {
    channel.write(part, channel.voidPromise());
  }

  @Override
  public void end(HttpObject last, boolean thenClose) {
    if (thenClose) {
      channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.writeAndFlush(last, channel.voidPromise());
    }
  }

  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public boolean isActive() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close();
  }

  @Override
  public void tunnel(Forward by, Channel target, IdleWatch targetIdle, Consumer<String> ended) {
    handOver(by);
    channel.flush();
    Tunnel.start(channel, idle, target, targetIdle, ended);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    deadline = Deadline.of(channel);
    if (channel.remoteAddress() instanceof InetSocketAddress a) {
      remoteAddress = a;
      remoteIp = a.getAddress().getHostAddress();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    idle.touch();
    if (http2 != null) {
      // Netty's HTTP/2 handler passes nothing on (the streams are H2Streams'); anything else is dropped.
      ReferenceCountUtil.release(msg);
      return;
    }
    if (handedOver) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof FullHttpRequest full) {
      // An Upgrade: h2c request that could not switch (no valid HTTP2-Settings), held whole by the upgrade
      // handler: it goes on as HTTP/1.1, in the two parts a request always comes in here.
      HeadersMultiMap headers = HeadersMultiMap.httpHeaders();
      full.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
      HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), headers);
      head.setDecoderResult(full.decoderResult());
      channelRead(ctx, head);
      channelRead(ctx, new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
      return;
    }
    if (current != null && !current.requestEnded() && msg instanceof HttpContent part) {
      current.fromClient(part);
    } else if (current != null || !queued.isEmpty()) {
      queued.add(msg);
    } else {
      dispatch(msg);
    }
    updateReading();
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      if (request.decoderResult().isFailure() || request.protocolVersion().majorVersion() != 1) {
        ReferenceCountUtil.release(msg);
        invalid(request);
        return;
      }
      current = new Forward(this, listener.site(), request);
      current.start();
    } else {
      // The rest of a request answered and done with (or of an invalid one): nothing to do with it.
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * A request Netty could not decode (garbage, a request line or headers too long, an ambiguous body
   * length) or of another HTTP version than 1.x (the HTTP/2 preface among them): answered 400, 414, 431
   * or 505 and the connection closed, counted and logged like Vert.x's.
   */
  private void invalid(HttpRequest request) {
    Throwable cause = request.decoderResult().cause();
    HttpResponseStatus status = cause == null ? HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED
        : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
        : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
            ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
    HttpSite site = listener.site();
    site.meters().refused(Termination.BAD_REQUEST);
    FullHttpResponse response = Forward.plain(status, "");
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    closing = true;
    current = null;
    queued.forEach(ReferenceCountUtil::release);
    queued.clear();
    String method = request.method() == null ? null : request.method().name();
    site.log(new HttpAccessLogEntry(System.currentTimeMillis(), site.node(), site.listener(), remoteAddress, null, null,
        0, 0, -1, 0, null, "rejected", "HTTP/1.1", method, null, null, status.code(), -1));
  }

  /**
   * The exchange is over (its response and request both): the next pipelined request goes, or the
   * connection closes when it may not be kept.
   */
  @Override
  public void exchangeDone(Forward done, boolean keepAlive) {
    if (current != done) return;
    current = null;
    if (!keepAlive || closing) {
      closing = true;
      queued.forEach(ReferenceCountUtil::release);
      queued.clear();
      // The response's own write closes the channel once it is out; this covers the other cases.
      if (!keepAlive) return;
      channel.flush();
      channel.close();
      return;
    }
    Object msg;
    while (current == null && (msg = queued.poll()) != null) dispatch(msg);
    while (current != null && !current.requestEnded() && queued.peek() instanceof HttpContent part) {
      queued.poll();
      current.fromClient(part);
    }
    // Not in the client's read: what the replay wrote to a target goes out now.
    if (current != null) current.clientReadComplete();
    updateReading();
  }

  /** A tunnel takes the channel over: nothing of HTTP is read on it any more. */
  private void handOver(Forward by) {
    if (current == by) current = null;
    handedOver = true;
    queued.forEach(ReferenceCountUtil::release);
    queued.clear();
  }

  /** Reads while what is read has somewhere to go. */
  @Override
  public void updateReading() {
    if (handedOver || http2 != null || !channel.isActive()) return;
    boolean read = current == null ? queued.size() < MAX_QUEUED
        : current.requestEnded() ? queued.size() < MAX_QUEUED : current.wantsClientBytes();
    if (channel.config().isAutoRead() != read) channel.config().setAutoRead(read);
  }

  /**
   * The listener stops: an idle connection closes now, a busy one after its exchange; an HTTP/2 one
   * says GOAWAY and closes once its streams are done, or at the latest after {@code drain}.
   */
  void drain(Duration drain) {
    closing = true;
    if (http2 != null) {
      http2.handler().gracefulShutdownTimeoutMillis(drain.toMillis());
      channel.close();
    } else if (current == null && !handedOver) {
      channel.close();
    }
  }

  /** Closes the connection now, HTTP/2 streams in flight or not. */
  void closeNow() {
    if (http2 != null) {
      // Past the HTTP/2 handler, whose close would wait for the streams again.
      channel.eventLoop().execute(() -> channel.unsafe().close(channel.voidPromise()));
    } else {
      channel.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // An Upgrade: h2c request switched the connection: it becomes stream 1 (the tail releases the event).
    if (evt instanceof UpgradeEvent upgrade && http2 != null) http2.upgraded(upgrade.upgradeRequest());
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null) current.clientReadComplete();
    if (http2 != null) http2.readComplete();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) current.clientWritabilityChanged();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Forward gone = current;
    current = null;
    queued.forEach(ReferenceCountUtil::release);
    queued.clear();
    if (gone != null) gone.clientClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset or a failed write: the close that follows ends what is in flight.
    ctx.close();
  }
}
