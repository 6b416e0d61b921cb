package io.archway.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.ArrayDeque;

/**
 * The streams of one client connection that switched to HTTP/2 (h2c): the frame listener of Netty's
 * {@link Http2ConnectionHandler}, which owns the connection's state, flow control and HPACK. Each
 * stream's request becomes an {@link H2Stream} running one {@link Forward}, kept on the stream itself
 * (a property of Netty's {@link Http2Stream}): no child channel, pipeline or frame objects per stream.
 * The request goes on as the HTTP/1.1 messages {@code Forward} takes: a head whose headers are Vert.x's
 * {@link HeadersMultiMap} ({@link H2Headers}: {@code :authority} becomes {@code Host}, cookie crumbs
 * are joined), marked chunked when a body of unannounced length follows, then its DATA as content and
 * its end (with any trailers) as the last content. Netty has checked the headers (lower case, no
 * connection-specific ones) and checks a {@code content-length} against the DATA. A request without
 * {@code :method} or {@code :path} (CONNECT among them) resets the stream. Settings are Vert.x's server
 * defaults: at most 100 concurrent streams and 8 KiB of request headers. Confined to the connection's
 * event loop.
 */
final class H2Streams extends Http2FrameAdapter implements Http2RemoteFlowController.Listener {

  private static final int MAX_CONCURRENT_STREAMS = 100;
  private static final long MAX_HEADER_LIST_SIZE = 8192;

  private final ClientConnection connection;
  private final Http2ConnectionHandler handler;
  private final Http2Connection.PropertyKey key;
  /** The HTTP/2 handler's context, which the streams' frames are written from. */
  private ChannelHandlerContext ctx;
  /** Streams whose request body was passed on in this read of the connection: flushed at its end. */
  private final ArrayDeque<H2Stream> fed = new ArrayDeque<>();
  /** The one check of the streams' route timeouts. */
  private final Deadline.Check deadlines;
  private boolean flushPending;
  private final Runnable flushNow = this::flushNow;

  H2Streams(ClientConnection connection) {
    this.connection = connection;
    // Responses share the client's window evenly: stream priorities (deprecated by RFC 9113) are not
    // weighed, which spares a weighted queue's upkeep for every stream.
    DefaultHttp2Connection state = new DefaultHttp2Connection(true);
    state.remote().flowController(new DefaultHttp2RemoteFlowController(state, new UniformStreamByteDistributor(state)));
    this.handler = new Http2ConnectionHandlerBuilder()
        .connection(state)
        .frameListener(this)
        .initialSettings(Http2Settings.defaultSettings()
            .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
            .maxHeaderListSize(MAX_HEADER_LIST_SIZE))
        .build();
    this.key = state.newKey();
    state.remote().flowController().listener(this);
    this.deadlines = new Deadline.Check(connection.channel().eventLoop(), this::lookAtDeadlines);
    connection.channel().closeFuture().addListener(f -> deadlines.cancel());
    state.addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamClosed(Http2Stream stream) {
        H2Stream s = stream.removeProperty(key);
        if (s != null) s.closed();
      }
    });
  }

  /** The connection's HTTP/2 handler, for the pipeline (and for a drain's graceful shutdown). */
  Http2ConnectionHandler handler() {
    return handler;
  }

  /** The check the streams' route timeouts share. */
  Deadline.Check deadlines() {
    return deadlines;
  }

  /** Looks at every open stream's route timeout: when to look again, the earliest, or never. */
  private long lookAtDeadlines(long now) {
    long[] next = {Deadline.NEVER};
    try {
      handler.connection().forEachActiveStream(stream -> {
        H2Stream s = stream.getProperty(key);
        if (s != null) next[0] = Math.min(next[0], s.lookAtDeadline(now));
        return true;
      });
    } catch (Http2Exception e) {
      throw new IllegalStateException(e);
    }
    return next[0];
  }

  ClientConnection connection() {
    return connection;
  }

  ChannelHandlerContext ctx() {
    if (ctx == null) ctx = connection.channel().pipeline().context(handler);
    return ctx;
  }

  Http2ConnectionEncoder encoder() {
    return handler.encoder();
  }

  // ---- frames from the client ----

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
      boolean endOfStream) {
    connection.idle().touch();
    Http2Stream stream = handler.connection().stream(streamId);
    if (stream == null) return;
    H2Stream s = stream.getProperty(key);
    if (s == null) {
      request(stream, headers, endOfStream);
    } else {
      LastHttpContent last = trailers(stream, headers);
      if (last != null) s.fromClient(last);
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
      short weight, boolean exclusive, int padding, boolean endOfStream) {
    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
  }

  @Override
  public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
    connection.idle().touch();
    int bytes = data.readableBytes() + padding;
    Http2Stream stream = handler.connection().stream(streamId);
    H2Stream s = stream == null ? null : stream.getProperty(key);
    if (s == null) return bytes;
    if (s.feed()) fed.add(s);
    // The frame's buffer goes on as the content (whoever takes it releases it); Netty releases its own.
    return s.data(data.retain(), endOfStream, bytes);
  }

  /** The connection's read burst is over: the request bodies read go out to their targets, one flush each. */
  void readComplete() {
    H2Stream s;
    while ((s = fed.poll()) != null) s.fed();
  }

  private void request(Http2Stream stream, Http2Headers in, boolean endOfStream) {
    HeadersMultiMap headers = in.method() == null || in.path() == null ? null : H2Headers.request(in);
    if (headers == null) {
      reset(stream, Http2Error.PROTOCOL_ERROR);
      return;
    }
    if (!endOfStream && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(in.method().toString()),
        in.path().toString(), headers);
    start(stream, request, endOfStream ? LastHttpContent.EMPTY_LAST_CONTENT : null);
  }

  /** Trailers end the request's body; a pseudo-header among them (RFC 9113 8.1) resets the stream. */
  private LastHttpContent trailers(Http2Stream stream, Http2Headers in) {
    LastHttpContent last = new DefaultLastHttpContent();
    for (var e : in) {
      CharSequence name = e.getKey();
      if (name.length() > 0 && name.charAt(0) == ':') {
        last.release();
        reset(stream, Http2Error.PROTOCOL_ERROR);
        return null;
      }
      last.trailingHeaders().add(name, e.getValue());
    }
    return last;
  }

  /**
   * The {@code Upgrade: h2c} request the connection switched with, already answered 101: it is stream
   * 1, whose client side Netty has half-closed. Its body was read whole by the upgrade handler.
   */
  void upgraded(FullHttpRequest upgrade) {
    Http2Stream stream = handler.connection().stream(Http2CodecUtil.HTTP_UPGRADE_STREAM_ID);
    if (stream == null) return;
    HeadersMultiMap headers = HeadersMultiMap.httpHeaders();
    upgrade.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
    // The switch is done: these spoke of it, not of the request.
    headers.remove(HttpHeaderNames.UPGRADE);
    headers.remove(HttpHeaderNames.CONNECTION);
    headers.remove(Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, upgrade.method(), upgrade.uri(), headers);
    start(stream, request, new DefaultLastHttpContent(upgrade.content().retain(), upgrade.trailingHeaders()));
  }

  private void start(Http2Stream stream, HttpRequest request, LastHttpContent whole) {
    H2Stream s = new H2Stream(this, stream);
    stream.setProperty(key, s);
    s.start(request, whole);
  }

  // ---- the streams' state ----

  @Override
  public void writabilityChanged(Http2Stream stream) {
    H2Stream s = stream.getProperty(key);
    if (s != null) s.writabilityChanged();
  }

  boolean isWritable(Http2Stream stream) {
    return handler.encoder().flowController().isWritable(stream);
  }

  /** Gives the client back {@code bytes} of the stream's window (and the connection's): it may send more. */
  void consumed(Http2Stream stream, int bytes) {
    try {
      if (handler.connection().local().flowController().consumeBytes(stream, bytes)) flush();
    } catch (Http2Exception e) {
      reset(stream, Http2Error.INTERNAL_ERROR);
    }
  }

  /** Ends the stream with RST_STREAM, unless it is closed already. */
  void reset(Http2Stream stream, Http2Error error) {
    if (stream.state() == Http2Stream.State.CLOSED) return;
    handler.resetStream(ctx(), stream.id(), error.code(), ctx().newPromise());
    flush();
  }

  /**
   * What the streams wrote goes out, once per pass of the event loop: responses of many streams end in
   * one pass, each in its own target connection's read, and leave in one write. (A read of the client's
   * connection ends with the HTTP/2 handler's own flush.)
   */
  void flush() {
    if (flushPending) return;
    flushPending = true;
    connection.channel().eventLoop().execute(flushNow);
  }

  /** Through the flow controller, then to the socket. */
  private void flushNow() {
    flushPending = false;
    // Closed meanwhile: nothing can go out, and the handler may have left the pipeline.
    if (!connection.channel().isActive()) return;
    handler.flush(ctx());
  }
}
