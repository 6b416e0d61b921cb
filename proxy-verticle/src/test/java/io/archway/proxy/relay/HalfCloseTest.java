package io.archway.proxy.relay;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.Streams.Received;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A FIN from one side reaches the other, and the reverse direction keeps flowing until it ends too. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HalfCloseTest {

  private static final long REPLY = 4L * 1024 * 1024;

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void clientHalfCloseStillDeliversTheWholeReply(boolean nativeTransport) throws Exception {
    CompletableFuture<String> requestSeen = new CompletableFuture<>();
    CompletableFuture<String> replySent = new CompletableFuture<>();
    // The backend answers only after the request's end, as a request/response protocol over FIN does.
    try (TcpBackend backend = TcpBackend.start(socket -> {
          requestSeen.complete(new String(socket.getInputStream().readAllBytes()));
          replySent.complete(Streams.sendRandom(socket.getOutputStream(), 7, REPLY));
          socket.shutdownOutput();
        });
        Gateway gateway = start(nativeTransport, backend)) {
      try (Socket client = Streams.connect(port)) {
        Streams.write(client.getOutputStream(), "GET everything");
        client.shutdownOutput();

        Received reply = Streams.receiveAll(client.getInputStream());

        assertThat(requestSeen.get(10, TimeUnit.SECONDS)).isEqualTo("GET everything");
        assertThat(reply).isEqualTo(new Received(REPLY, replySent.get(10, TimeUnit.SECONDS)));
      }
      JsonObject line = gateway.awaitAccessLine(l -> true);
      assertThat(line.getString("termination")).isEqualTo("client_close");
      assertThat(line.getLong("bytesIn")).isEqualTo("GET everything".length());
      assertThat(line.getLong("bytesOut")).isEqualTo(REPLY);
      assertThat(backend.errors()).isEmpty();
    }
  }

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void backendHalfCloseStillDeliversTheClientsUpload(boolean nativeTransport) throws Exception {
    CompletableFuture<Received> upload = new CompletableFuture<>();
    // The backend says all it has to say and shuts its output first; then it reads the client to the end.
    try (TcpBackend backend = TcpBackend.start(socket -> {
          Streams.write(socket.getOutputStream(), "READY");
          socket.shutdownOutput();
          upload.complete(Streams.receiveAll(socket.getInputStream()));
        });
        Gateway gateway = start(nativeTransport, backend)) {
      try (Socket client = Streams.connect(port)) {
        assertThat(new String(client.getInputStream().readAllBytes())).isEqualTo("READY");

        String sent = Streams.sendRandom(client.getOutputStream(), 9, REPLY);
        client.shutdownOutput();

        assertThat(upload.get(20, TimeUnit.SECONDS)).isEqualTo(new Received(REPLY, sent));
      }
      JsonObject line = gateway.awaitAccessLine(l -> true);
      assertThat(line.getString("termination")).isEqualTo("backend_close");
      assertThat(line.getLong("bytesIn")).isEqualTo(REPLY);
      assertThat(line.getLong("bytesOut")).isEqualTo("READY".length());
    }
  }

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void halfClosedConnectionIsClosedAfterTheHalfCloseTimeout(boolean nativeTransport) throws Exception {
    // The backend reads to the end but never answers nor closes: the half-closed connection must not
    // live forever.
    CountDownLatch testOver = new CountDownLatch(1);
    try (TcpBackend backend = TcpBackend.start(socket -> {
          socket.getInputStream().readAllBytes();
          testOver.await(30, TimeUnit.SECONDS);
        });
        Gateway gateway = Gateway.start(1, nativeTransport)) {
      gateway.healthy("p", backend.address());
      gateway.apply(config(listener("l", port, "p").put("halfCloseTimeout", "300ms"), pool("p", backend.address())));
      try (Socket client = Streams.connect(port)) {
        Streams.write(client.getOutputStream(), "bye");
        long start = System.nanoTime();
        client.shutdownOutput();

        assertThat(Streams.closedByPeer(client)).isTrue();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMs).isBetween(250L, 5_000L);
      }
      assertThat(gateway.awaitAccessLine(l -> true).getString("termination")).isEqualTo("client_close");
    } finally {
      testOver.countDown();
    }
  }

  private final int port = Ports.free();

  private Gateway start(boolean nativeTransport, TcpBackend backend) throws Exception {
    Gateway gateway = Gateway.start(1, nativeTransport);
    gateway.healthy("p", backend.address());
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address())));
    return gateway;
  }
}
