package io.archway.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.ReadBehind;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
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
    ReadBehind relayed = new ReadBehind();
    channel.pipeline().addLast(relayed);
    Future<TlsSession> settled = ClientHelloRouter.install(channel, 10_000);
    try {
      ReadBehind.writeInThirds(channel, input);

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
}
