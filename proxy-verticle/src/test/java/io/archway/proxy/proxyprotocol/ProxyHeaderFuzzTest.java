package io.archway.proxy.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.ReadBehind;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzzes the PROXY header reading of an {@code acceptProxyProtocol} listener (Netty's decoder behind
 * Archway's reader) with any bytes in three segments. The channel ends up accepted, with the bytes after
 * the header passed on unchanged and a parsed client address; or refused and closed; or still
 * waiting for the rest of a header. No buffer leaks. Seeds: real v1 and v2 headers, good and bad.
 */
@ExtendWith(LeakCheck.class)
class ProxyHeaderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void anyBytesAreAcceptedRefusedOrAwaited(byte[] input) {
    EmbeddedChannel channel = new EmbeddedChannel();
    ReadBehind after = new ReadBehind();
    channel.pipeline().addLast(after);
    Future<ProxyHeaderReader.Header> read = ProxyHeaderReader.install(channel, 10_000);
    try {
      ReadBehind.writeInThirds(channel, input);

      if (read.isSuccess()) {
        ProxyHeaderReader.Header header = read.getNow();
        if (header.client() != null) {
          // Any IP the sender claims (0.0.0.0 included: trusting the sender is the operator's choice), never none.
          assertThat(header.client().getAddress()).as("a parsed client address").isNotNull();
        }
        assertThat(channel.pipeline().get(ProxyHeaderReader.class)).isNull();
        assertThat(after.unexpected()).as("a decoded message got past the reader").isNull();
        byte[] rest = after.bytes();
        assertThat(rest.length).isLessThanOrEqualTo(input.length);
        assertThat(Arrays.copyOfRange(input, input.length - rest.length, input.length))
            .as("the bytes after the header pass on unchanged").isEqualTo(rest);
      } else if (read.isDone()) {
        assertThat(channel.isActive()).as("a refused client is closed").isFalse();
        assertThat(after.bytes()).as("nothing of a refused client goes on").isEmpty();
      } else {
        assertThat(channel.isActive()).isTrue();
        assertThat(after.bytes()).isEmpty();
      }
    } finally {
      after.release();
      channel.finishAndReleaseAll();
    }
  }
}
