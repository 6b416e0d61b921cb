package io.archway.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.AsciiString;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

/**
 * Netty's HTTP/1.1 client codec for a target connection, with three differences from
 * {@code HttpClientCodec}: request headers that are Vert.x's {@link HeadersMultiMap} (every request the
 * gateway forwards) are written by its own faster encoder, the common response header names are read
 * as shared constants ({@link KnownHeaderNames}) rather than new strings, and the exchange says whether
 * the request in flight is a HEAD (one request at a time per connection: no queue of methods is needed).
 */
final class TargetCodec extends CombinedChannelDuplexHandler<TargetCodec.Decoder, TargetCodec.Encoder> {

  TargetCodec(HttpDecoderConfig config) {
    super(new Decoder(config), new Encoder());
  }

  /** The response to the request now going out has no body whatever its headers say (a HEAD). */
  void expectBodyless(boolean head) {
    inboundHandler().head = head;
  }

  static final class Decoder extends HttpResponseDecoder {
    private boolean head;

    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
      AsciiString known = KnownHeaderNames.find(sb, start, length);
      return known != null ? known : super.splitHeaderName(sb, start, length);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      // 1xx, 204, 304 (and a 101 that switches protocols) are Netty's to tell.
      return head || super.isContentAlwaysEmpty(msg);
    }
  }

  static final class Encoder extends HttpRequestEncoder {
    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
      if (headers instanceof HeadersMultiMap vertx) {
        vertx.encode(buf, false);
      } else {
        super.encodeHeaders(headers, buf);
      }
    }
  }
}
