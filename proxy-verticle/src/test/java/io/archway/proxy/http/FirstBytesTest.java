package io.archway.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.proxy.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link FirstBytes} in front of Vert.x's preface detector, on an embedded channel: the detector here
 * configures the pipeline as Vert.x's does (HTTP/1: its request decoder as {@code httpDecoder}).
 */
@ExtendWith(LeakCheck.class)
class FirstBytesTest {

  private static final String CL_TE =
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG";

  /** Vert.x's detector with the HTTP/1 half of its configuration; HTTP/2 adds nothing here. */
  private static final class Detector extends Http1xOrH2CHandler {
    boolean http2;

    @Override
    protected void configure(ChannelHandlerContext ctx, boolean h2) {
      http2 = h2;
      if (!h2) ctx.pipeline().addAfter(ctx.name(), "httpDecoder", new VertxHttpRequestDecoder(new HttpServerOptions()));
    }
  }

  private final Detector detector = new Detector();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new FirstBytes(new HttpServerOptions()), detector);

  private List<Object> feed(String... parts) {
    for (String part : parts) channel.writeInbound(Unpooled.copiedBuffer(part, StandardCharsets.ISO_8859_1));
    List<Object> out = new ArrayList<>();
    for (Object m; (m = channel.readInbound()) != null; ) out.add(m);
    return out;
  }

  private static void release(List<Object> messages) {
    messages.forEach(ReferenceCountUtil::release);
  }

  @Test
  void anHttp1RequestWithBothLengthsFailsToDecodeInOneRead() {
    List<Object> out = feed(CL_TE);
    try {
      assertThat(out.get(0)).isInstanceOf(HttpRequest.class);
      assertThat(((HttpRequest) out.get(0)).decoderResult().isFailure()).isTrue();
      assertThat(channel.pipeline().get(FirstBytes.class)).isNull();
      assertThat(channel.pipeline().get(HttpRequestDecoder.class).getClass().getSimpleName()).isEqualTo("StrictDecoder");
    } finally {
      release(out);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void anHttp1RequestWithBothLengthsFailsToDecodeByteByByte() {
    List<Object> out = feed(CL_TE.split(""));
    try {
      assertThat(((HttpRequest) out.get(0)).decoderResult().isFailure()).isTrue();
    } finally {
      release(out);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aPlainRequestSplitAtThePrefaceDecodesWhole() {
    List<Object> out = feed("PR", "I", "NT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok");
    try {
      HttpRequest request = (HttpRequest) out.get(0);
      assertThat(request.decoderResult().isSuccess()).isTrue();
      assertThat(request.method().name()).isEqualTo("PRINT");
      assertThat(((HttpContent) out.get(1)).content().toString(StandardCharsets.ISO_8859_1)).isEqualTo("ok");
    } finally {
      release(out);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void theHttp2PrefaceLeavesThePipelineAsVertxMadeIt() {
    List<Object> out = feed("PRI * HTTP/2.0\r\n", "\r\nSM\r\n\r\n" + "frames");
    try {
      assertThat(detector.http2).isTrue();
      assertThat(channel.pipeline().get(FirstBytes.class)).isNull();
      assertThat(channel.pipeline().get(HttpRequestDecoder.class)).isNull();
      // The detector hands on the preface and, from FirstBytes, the bytes after it.
      StringBuilder seen = new StringBuilder();
      for (Object m : out) seen.append(((ByteBuf) m).toString(StandardCharsets.ISO_8859_1));
      assertThat(seen.toString()).isEqualTo("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nframes");
    } finally {
      release(out);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aChannelClosedHalfWayReleasesWhatIsLeft() {
    EmbeddedChannel closing = new EmbeddedChannel(new FirstBytes(new HttpServerOptions()),
        new ChannelInboundHandlerAdapter() {
          int bytes;

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (++bytes == 2) ctx.close();
            ctx.fireChannelRead(msg);
          }
        }, new Detector());
    ByteBuf in = Unpooled.copiedBuffer("PRI * HTTP/2.0", StandardCharsets.ISO_8859_1);
    closing.writeInbound(in);
    assertThat(in.refCnt()).isZero();
    assertThat(closing.isOpen()).isFalse();
    closing.finishAndReleaseAll();
  }
}
