package io.archway.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.archway.proxy.testing.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzzes the passthrough listener's ClientHello reading (Netty's SNI parser behind Archway's router
 * and watch) with any bytes, in up to three segments. Whatever arrives, the channel ends in one of three
 * states: routed, with every byte passed on unchanged; refused and closed; or still waiting for the
 * rest of a ClientHello. No buffer leaks (LeakCheck). The corpus under
 * src/test/resources/io/archway/proxy/tls/ClientHelloFuzzTestInputs holds real ClientHellos.
 */
@ExtendWith(LeakCheck.class)
class ClientHelloFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void anyBytesAreRoutedRefusedOrAwaited(byte[] input) {
    EmbeddedChannel channel = new EmbeddedChannel();
    Relayed relayed = new Relayed();
    channel.pipeline().addLast(relayed);
    Future<TlsSession> settled = ClientHelloRouter.install(channel, 10_000);
    try {
      int third = input.length / 3;
      int[] cuts = {0, third, 2 * third, input.length};
      for (int i = 0; i < 3 && channel.isActive(); i++) {
        ByteBuf segment = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, cuts[i + 1] - cuts[i]));
        segment.writeBytes(input, cuts[i], cuts[i + 1] - cuts[i]);
        channel.writeInbound(segment);
      }
      channel.runPendingTasks();

      if (settled.isSuccess()) {
        assertThat(channel.pipeline().get(ClientHelloRouter.class)).isNull();
        assertThat(relayed.bytes()).isEqualTo(input);
        if (settled.getNow().sni() != null) assertThat(settled.getNow().sni()).isNotBlank();
      } else if (settled.isDone()) {
        assertThat(channel.isActive()).as("a refused client is closed").isFalse();
      } else {
        assertThat(channel.isActive()).isTrue();
        assertThat(channel.pipeline().get(ClientHelloRouter.class)).as("still reading the ClientHello").isNotNull();
        assertThat(relayed.bytes()).isEmpty();
      }
    } finally {
      relayed.release();
      channel.finishAndReleaseAll();
    }
  }

  /** Stands for the relay: keeps what the router passes on, and takes the errors a refusal reports. */
  private static final class Relayed extends ChannelInboundHandlerAdapter {
    private final ByteBuf received = Unpooled.buffer();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      received.writeBytes(buf);
      buf.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Expected for anything but a ClientHello: the watch has failed the promise and closed the channel.
    }

    byte[] bytes() {
      return Arrays.copyOf(ByteBufUtil.getBytes(received), received.readableBytes());
    }

    void release() {
      received.release();
    }
  }
}
