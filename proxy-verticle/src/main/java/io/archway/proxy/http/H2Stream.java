package io.archway.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * One HTTP/2 stream of a client connection ({@link H2Streams}) and the one {@link Forward} its request
 * runs: the response is written as HEADERS and DATA frames through Netty's encoder (its flow control
 * holds what the stream's window does not take yet), and the request body's bytes are given back to the
 * client's window only once its target connection takes more, which is how a slow target slows the
 * client's upload. Confined to the connection's event loop.
 */
final class H2Stream implements ClientEnd {

  private final H2Streams streams;
  private final Http2Stream stream;
  private final Deadline deadline;
  private Forward exchange;
  /** Request body bytes read but not yet given back to the client's window. */
  private int unconsumed;
  /** Request body was passed on in the connection's current read. */
  private boolean feeding;
  /**
   * Whether the flow controller takes more of the response: asked once, then kept up to date by its
   * writability events ({@link #writabilityChanged()}), as every forwarded part asks it.
   */
  private boolean writable;

  H2Stream(H2Streams streams, Http2Stream stream) {
    this.streams = streams;
    this.stream = stream;
    this.deadline = new Deadline(streams.deadlines());
    this.writable = streams.isWritable(stream);
  }

  /** Runs the stream's request; {@code whole}: its end, when nothing more of it comes. */
  void start(HttpRequest request, LastHttpContent whole) {
    exchange = new Forward(this, streams.connection().site(), request);
    exchange.start();
    if (whole != null) fromClient(whole);
  }

  /** The request's trailers or end. */
  void fromClient(HttpContent part) {
    Forward f = exchange;
    if (f == null) {
      ReferenceCountUtil.release(part);
      return;
    }
    f.fromClient(part);
  }

  /**
   * A DATA frame of the request: how many of its {@code bytes} (padding included) the client may send
   * again at once; the rest wait for {@link #updateReading()}.
   */
  int data(ByteBuf data, boolean end, int bytes) {
    Forward f = exchange;
    if (f == null) {
      data.release();
      return bytes;
    }
    f.fromClient(end ? new DefaultLastHttpContent(data) : new DefaultHttpContent(data));
    if (takesBody(exchange)) return bytes;
    unconsumed += bytes;
    return 0;
  }

  /** Whether the client may send more body: its exchange takes it, or has it all, or is over. */
  private static boolean takesBody(Forward f) {
    return f == null || f.requestEnded() || f.wantsClientBytes();
  }

  /** Request body comes in this read: whether the stream was not marked for {@link #fed()} yet. */
  boolean feed() {
    if (feeding) return false;
    feeding = true;
    return true;
  }

  /** The connection's read is over: what the stream's request body wrote to its target goes out. */
  void fed() {
    feeding = false;
    Forward f = exchange;
    if (f != null) f.clientReadComplete();
  }

  void writabilityChanged() {
    writable = streams.isWritable(stream);
    Forward f = exchange;
    if (f != null) f.clientWritabilityChanged();
  }

  /** Runs the stream's route timeout if it is due: when to look again ({@link Deadline#look}). */
  long lookAtDeadline(long now) {
    return deadline.look(now);
  }

  /** The stream closed (both sides ended, or a reset, or the connection went). */
  void closed() {
    deadline.cancel();
    Forward f = exchange;
    exchange = null;
    if (f != null) f.clientClosed();
  }

  // ---- ClientEnd ----

  @Override
  public Channel transport() {
    return streams.connection().channel();
  }

  @Override
  public String remoteIp() {
    return streams.connection().remoteIp();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return streams.connection().remoteAddress();
  }

  @Override
  public IdleWatch idle() {
    return streams.connection().idle();
  }

  @Override
  public Deadline deadline() {
    return deadline;
  }

  @Override
  public boolean closing() {
    return streams.connection().closing();
  }

  @Override
  public boolean multiplexed() {
    return true;
  }

  @Override
  public String protocol(HttpVersion version) {
    return "HTTP/2";
  }

  @Override
  public void write(HttpObject part) {
    if (!stream.state().localSideOpen()) {
      ReferenceCountUtil.release(part);
      return;
    }
    ChannelHandlerContext ctx = streams.ctx();
    Http2ConnectionEncoder encoder = streams.encoder();
    if (part instanceof HttpResponse head) {
      Http2Headers headers = H2Headers.response(head);
      if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        // 100 Continue: a HEADERS frame of its own; the response follows on the same stream.
        encoder.writeHeaders(ctx, stream.id(), headers, 0, false, ctx.voidPromise());
        ReferenceCountUtil.release(part);
        return;
      }
      boolean whole = part instanceof LastHttpContent l && !l.content().isReadable() && l.trailingHeaders().isEmpty();
      encoder.writeHeaders(ctx, stream.id(), headers, 0, whole, ctx.voidPromise());
      if (whole || !(part instanceof HttpContent)) {
        ReferenceCountUtil.release(part);
        return;
      }
    }
    HttpContent content = (HttpContent) part;
    HttpHeaders trailers = content instanceof LastHttpContent last ? last.trailingHeaders() : null;
    boolean endWithData = trailers != null && trailers.isEmpty();
    ByteBuf data = content.content();
    if (data.isReadable() || endWithData) {
      encoder.writeData(ctx, stream.id(), data, 0, endWithData, ctx.voidPromise());
    } else {
      data.release();
    }
    if (trailers != null && !endWithData) {
      encoder.writeHeaders(ctx, stream.id(), H2Headers.trailers(trailers), 0, true,
          ctx.voidPromise());
    }
  }

  /** The stream ends with the response: nothing to close after it ({@code thenClose} is the connection's). */
  @Override
  public void end(HttpObject last, boolean thenClose) {
    write(last);
    flush();
  }

  @Override
  public void flush() {
    streams.flush();
  }

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public boolean isActive() {
    return stream.state().localSideOpen() && transport().isActive();
  }

  @Override
  public void close() {
    streams.reset(stream, Http2Error.CANCEL);
  }

  /** Gives the held body bytes back to the client's window once the exchange takes more (or none). */
  @Override
  public void updateReading() {
    if (unconsumed == 0 || !takesBody(exchange)) return;
    int bytes = unconsumed;
    unconsumed = 0;
    streams.consumed(stream, bytes);
  }

  @Override
  public void exchangeDone(Forward done, boolean keepAlive) {
    if (exchange != done) return;
    exchange = null;
    updateReading();
  }

  /** HTTP/2 has no {@code Upgrade} (Netty refuses a stream's {@code Connection} header): never asked. */
  @Override
  public void tunnel(Forward by, Channel target, IdleWatch targetIdle, Consumer<String> ended) {
    target.close();
    close();
    ended.accept("backend_close");
  }
}
