package io.archway.proxy.relay;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An abortive close (RST) on one side closes the other side too, and names who did it. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResetTest {

  private final int port = Ports.free();

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void clientResetClosesTheBackendConnection(boolean nativeTransport) throws Exception {
    CompletableFuture<Boolean> backendSawEnd = new CompletableFuture<>();
    try (TcpBackend backend = TcpBackend.start(socket -> {
          socket.getOutputStream().write("go".getBytes());
          socket.setSoTimeout(10_000);
          backendSawEnd.complete(Streams.closedByPeer(socket));
        });
        Gateway gateway = start(nativeTransport, backend)) {
      Socket client = Streams.connect(port);
      assertThat(Streams.read(client.getInputStream(), 2)).isEqualTo("go");
      client.setSoLinger(true, 0);
      client.close();

      assertThat(backendSawEnd.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(gateway.awaitAccessLine(l -> true).getString("termination")).isEqualTo("client_close");
    }
  }

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void backendResetClosesTheClientConnection(boolean nativeTransport) throws Exception {
    try (TcpBackend backend = TcpBackend.start(socket -> {
          Streams.read(socket.getInputStream(), 4);
          socket.setSoLinger(true, 0);
        });
        Gateway gateway = start(nativeTransport, backend)) {
      try (Socket client = Streams.connect(port)) {
        Streams.write(client.getOutputStream(), "ping");

        assertThat(Streams.closedByPeer(client)).isTrue();
      }
      assertThat(gateway.awaitAccessLine(l -> true).getString("termination")).isEqualTo("backend_close");
    }
  }

  private Gateway start(boolean nativeTransport, TcpBackend backend) throws Exception {
    Gateway gateway = Gateway.start(1, nativeTransport);
    gateway.healthy("p", backend.address());
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address())));
    return gateway;
  }
}
