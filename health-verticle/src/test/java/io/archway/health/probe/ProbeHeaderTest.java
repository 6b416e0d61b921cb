package io.archway.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.config.HostPort;
import io.archway.core.config.ProxyProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a TCP probe of a pool with {@code proxyProtocol} sends: a header without addresses, then its close. */
class ProbeHeaderTest {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void v1ProbeSendsProxyUnknown() throws Exception {
    assertThat(new String(probe(ProxyProtocol.V1), StandardCharsets.US_ASCII)).isEqualTo("PROXY UNKNOWN\r\n");
  }

  @Test
  void v2ProbeSendsTheLocalCommand() throws Exception {
    assertThat(probe(ProxyProtocol.V2)).containsExactly(
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00);
  }

  @Test
  void aProbeWithoutHeaderSendsNothing() throws Exception {
    assertThat(probe(null)).isEmpty();
  }

  /** Runs one TCP probe against a loopback server; returns every byte the server got before the close. */
  private byte[] probe(ProxyProtocol version) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          s.setSoTimeout(10_000);
          return s.getInputStream().readAllBytes();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      new TcpProbe(client, version).check(new HostPort("127.0.0.1", server.getLocalPort()), Duration.ofSeconds(2))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return got.get(10, TimeUnit.SECONDS);
    }
  }
}
