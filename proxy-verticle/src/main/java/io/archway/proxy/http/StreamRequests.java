package io.archway.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

/**
 * The request of one HTTP/2 stream as the HTTP/1.1 messages {@link ClientConnection} and
 * {@link Forward} take: a request head whose headers are Vert.x's {@link HeadersMultiMap} (Netty's
 * conversion: {@code :authority} becomes {@code Host}, cookie crumbs are joined), marked chunked when
 * a body of unannounced length follows, then its DATA as content and its end (with any trailers) as
 * the last content. Netty's HTTP/2 codec has checked the headers (lower case, no connection-specific
 * ones) and checks a {@code content-length} against the DATA. A request without {@code :method} or
 * {@code :path} (CONNECT among them) resets the stream.
 */
final class StreamRequests extends ChannelInboundHandlerAdapter {

  private boolean headSeen;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2HeadersFrame frame) {
      if (!headSeen) {
        headSeen = true;
        head(ctx, frame);
      } else {
        trailers(ctx, frame);
      }
    } else if (msg instanceof Http2DataFrame data) {
      // The frame's buffer goes on as the content: whoever takes it releases it.
      ctx.fireChannelRead(data.isEndStream() ? new DefaultLastHttpContent(data.content())
          : new DefaultHttpContent(data.content()));
    } else {
      // A reset or a window update: the stream's channel closes by itself on a reset.
      ReferenceCountUtil.release(msg);
    }
  }

  private void head(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
    Http2Headers in = frame.headers();
    if (in.method() == null || in.path() == null) {
      reset(ctx);
      return;
    }
    HeadersMultiMap headers = HeadersMultiMap.httpHeaders();
    try {
      HttpConversionUtil.addHttp2ToHttpHeaders(frame.stream().id(), in, headers, HttpVersion.HTTP_1_1, false, true);
    } catch (Http2Exception e) {
      reset(ctx);
      return;
    }
    headers.remove(ExtensionHeaderNames.STREAM_ID.text());
    headers.remove(ExtensionHeaderNames.SCHEME.text());
    headers.remove(ExtensionHeaderNames.PATH.text());
    if (!frame.isEndStream() && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    ctx.fireChannelRead(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(in.method().toString()),
        in.path().toString(), headers));
    if (frame.isEndStream()) ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  private void trailers(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
    LastHttpContent last = new DefaultLastHttpContent();
    try {
      HttpConversionUtil.addHttp2ToHttpHeaders(frame.stream().id(), frame.headers(), last.trailingHeaders(),
          HttpVersion.HTTP_1_1, true, true);
    } catch (Http2Exception e) {
      reset(ctx);
      return;
    }
    last.trailingHeaders().remove(ExtensionHeaderNames.STREAM_ID.text());
    ctx.fireChannelRead(last);
  }

  private static void reset(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
  }
}
