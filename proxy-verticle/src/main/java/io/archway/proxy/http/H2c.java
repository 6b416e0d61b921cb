package io.archway.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/2 in cleartext (h2c) on a {@link PlainHttpListener} with {@code http2: true}, at the Netty level:
 * a connection that opens with the HTTP/2 preface ({@link H2cPreface}), or whose first request asks
 * {@code Upgrade: h2c}, becomes Netty's HTTP/2 connection handler with {@link H2Streams} as its frame
 * listener; each stream's request goes through the same {@link Forward} as an HTTP/1.x request
 * (HTTP/1.1 kept-alive to the targets), so routes, headers, retries, timeouts, error pages and the
 * access log are the same.
 */
final class H2c {

  /** An {@code Upgrade: h2c} request's body is held whole while the connection switches, up to this. */
  private static final int MAX_UPGRADE_BODY = 64 * 1024;

  private H2c() {}

  /** The connection opened with the HTTP/2 preface: HTTP/1's handlers give way to HTTP/2's after {@code at}. */
  static void priorKnowledge(ChannelHandlerContext at, ClientConnection connection) {
    ChannelPipeline p = at.pipeline();
    for (String http1 : new String[] {"decoder", "encoder", "upgrade"}) {
      if (p.get(http1) != null) p.remove(http1);
    }
    H2Streams streams = new H2Streams(connection);
    p.addAfter(at.name(), "h2", streams.handler());
    connection.switchedToHttp2(streams);
  }

  /**
   * Switches a connection whose first request asks {@code Upgrade: h2c} (with valid
   * {@code HTTP2-Settings}) to HTTP/2 after answering it 101: the request becomes stream 1
   * ({@link ClientConnection} hands it over). Any other request passes on as it is.
   */
  static HttpServerUpgradeHandler upgradeHandler(ClientConnection connection) {
    H2Streams[] streams = new H2Streams[1];
    // Called once the 101 is written, when the switch is certain.
    HttpServerUpgradeHandler.SourceCodec http1 = ctx -> {
      ctx.pipeline().remove("decoder");
      ctx.pipeline().remove("encoder");
      connection.switchedToHttp2(streams[0]);
    };
    return new HttpServerUpgradeHandler(http1, protocol -> {
      if (!AsciiString.contentEqualsIgnoreCase(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)) return null;
      streams[0] = new H2Streams(connection);
      return new Http2ServerUpgradeCodec("h2", streams[0].handler());
    }, MAX_UPGRADE_BODY) {
      private int requests;

      @Override
      protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
        if (msg instanceof HttpRequest request && ++requests == 1 && asksForH2c(request)) {
          // Netty's HTTP/2 side reads the held request's headers in ways Vert.x's headers do not support.
          HttpRequest copy = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri());
          copy.headers().set(request.headers());
          copy.setDecoderResult(request.decoderResult());
          msg = copy;
        }
        super.decode(ctx, msg, out);
      }

      @Override
      protected boolean shouldHandleUpgradeRequest(HttpRequest request) {
        // Only a connection's first request may switch it: a later one may have others in flight before it.
        return requests == 1 && asksForH2c(request);
      }
    };
  }

  private static boolean asksForH2c(HttpRequest request) {
    String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("h2c");
  }
}
