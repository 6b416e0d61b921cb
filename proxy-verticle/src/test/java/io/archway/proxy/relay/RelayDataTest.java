package io.archway.proxy.relay;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.Streams.Received;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(LeakCheck.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RelayDataTest {

  private static final long SIZE = 64L * 1024 * 1024;

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void sixtyFourMebibytesEachWayAtOnceArriveIntact(boolean nativeTransport) throws Exception {
    CompletableFuture<Received> atBackend = new CompletableFuture<>();
    CompletableFuture<String> sentByBackend = new CompletableFuture<>();
    // The backend sends its own stream while it reads the client's: both directions at once.
    try (TcpBackend backend = TcpBackend.start(socket -> {
          Thread sender = new Thread(() -> {
            try {
              sentByBackend.complete(Streams.sendRandom(socket.getOutputStream(), 2, SIZE));
              socket.shutdownOutput();
            } catch (Exception e) {
              sentByBackend.completeExceptionally(e);
            }
          });
          sender.start();
          atBackend.complete(Streams.receiveAll(socket.getInputStream()));
          sender.join(60_000);
        });
        Gateway gateway = Gateway.start(2, nativeTransport)) {
      int port = Ports.free();
      gateway.healthy("data", backend.address());
      gateway.apply(config(listener("data", port, "data"), pool("data", backend.address())));

      try (Socket client = Streams.connect(port)) {
        CompletableFuture<String> sentByClient = CompletableFuture.supplyAsync(() -> {
          try {
            String sha = Streams.sendRandom(client.getOutputStream(), 1, SIZE);
            client.shutdownOutput();
            return sha;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        Received atClient = Streams.receiveAll(client.getInputStream());

        assertThat(atBackend.get(60, TimeUnit.SECONDS))
            .isEqualTo(new Received(SIZE, sentByClient.get(60, TimeUnit.SECONDS)));
        assertThat(atClient).isEqualTo(new Received(SIZE, sentByBackend.get(60, TimeUnit.SECONDS)));
      }
      JsonObject line = gateway.awaitAccessLine(l -> true);
      assertThat(line.getLong("bytesIn")).isEqualTo(SIZE);
      assertThat(line.getLong("bytesOut")).isEqualTo(SIZE);
      assertThat(gateway.counter(MetricNames.LISTENER_BYTES, "listener", "data", "direction", "in")).isEqualTo(SIZE);
      assertThat(gateway.counter(MetricNames.LISTENER_BYTES, "listener", "data", "direction", "out")).isEqualTo(SIZE);
      assertThat(backend.errors()).isEmpty();
    }
  }

  /**
   * The client asks and half-closes at once, then reads slowly: the backend's long answer fills the
   * client's socket after its FIN was read. Netty 4.2.18's epoll had dropped the client's registration
   * by then (nothing asked for), failed to ask for EPOLLOUT and shut the output: the client was reset.
   */
  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void aClientThatHalfClosesAtOnceStillGetsALongAnswerWhole(boolean nativeTransport) throws Exception {
    CompletableFuture<String> sentByBackend = new CompletableFuture<>();
    try (TcpBackend backend = TcpBackend.start(socket -> {
          Streams.receiveAll(socket.getInputStream());
          sentByBackend.complete(Streams.sendRandom(socket.getOutputStream(), 3, SIZE / 2));
          socket.shutdownOutput();
        });
        Gateway gateway = Gateway.start(1, nativeTransport)) {
      int port = Ports.free();
      gateway.healthy("data", backend.address());
      gateway.apply(config(listener("data", port, "data"), pool("data", backend.address())));
      try (Socket client = Streams.connect(port)) {
        Streams.write(client.getOutputStream(), "GET everything\n");
        client.shutdownOutput();
        // Reading nothing for a while: the gateway's writes to this client must wait for room.
        Thread.sleep(300);
        Received atClient = Streams.receiveAll(client.getInputStream());
        assertThat(atClient).isEqualTo(new Received(SIZE / 2, sentByBackend.get(60, TimeUnit.SECONDS)));
      }
      JsonObject line = gateway.awaitAccessLine(l -> true);
      assertThat(line.getLong("bytesOut")).isEqualTo(SIZE / 2);
    }
  }

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void bytesSentBeforeTheBackendIsConnectedAreNotLost(boolean nativeTransport) throws Exception {
    try (TcpBackend backend = TcpBackend.banner("hello\n");
        Gateway gateway = Gateway.start(2, nativeTransport)) {
      int port = Ports.free();
      gateway.healthy("early", backend.address());
      gateway.apply(config(listener("early", port, "early"), pool("early", backend.address())));
      for (int i = 0; i < 40; i++) {
        try (Socket client = Streams.connect(port)) {
          OutputStream out = client.getOutputStream();
          InputStream in = client.getInputStream();
          // Written at once, racing the gateway's connect to the backend, which greets at once too.
          Streams.write(out, "ping-" + i + "\n");
          client.shutdownOutput();
          String expected = "hello\nping-" + i + "\n";
          assertThat(Streams.read(in, expected.length())).isEqualTo(expected);
          assertThat(in.read()).isEqualTo(-1);
        }
      }
      assertThat(backend.errors()).isEmpty();
    }
  }
}
