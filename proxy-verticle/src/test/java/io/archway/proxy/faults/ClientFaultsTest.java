package io.archway.proxy.faults;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that vanish without a FIN or a reset (a host that lost power, a NAT that forgot the flow): the
 * gateway cannot tell from the socket, so its idle timeout reclaims both sides. Simulated with sockets
 * that the test neither reads, writes nor closes.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientFaultsTest {

  private final int port = Ports.free();

  @Test
  void aVanishedClientIsReclaimedWithItsBackendConnection() throws Exception {
    CountDownLatch backendSawEnd = new CountDownLatch(1);
    try (TcpBackend backend = TcpBackend.start(socket -> {
          TcpBackend.echo(socket);
          backendSawEnd.countDown();
        });
        Gateway gateway = Gateway.start(1, true)) {
      gateway.healthy("p", backend.address());
      gateway.apply(config(listener("l", port, "p").put("idleTimeout", "1s"), pool("p", backend.address())));
      Socket vanished = Streams.connect(port);
      Streams.write(vanished.getOutputStream(), "last words");
      assertThat(Streams.read(vanished.getInputStream(), 10)).isEqualTo("last words");
      // From here on the client does nothing at all, and never closes.

      assertThat(backendSawEnd.await(10, TimeUnit.SECONDS)).as("the backend's side is closed").isTrue();
      JsonObject line = gateway.awaitAccessLine("idle_timeout");
      assertThat(line.getLong("bytesIn")).isEqualTo(10);
      assertThat(line.getLong("bytesOut")).isEqualTo(10);
      assertThat(gateway.gauge(MetricNames.LISTENER_CONNECTIONS_ACTIVE, "listener", "l")).isZero();
      assertThat(Streams.closedByPeer(vanished)).as("the gateway closed its end too").isTrue();
      vanished.close();
    }
  }

  @Test
  void aClientThatStopsReadingWhileItsBackendFloodsIsReclaimed() throws Exception {
    AtomicLong sent = new AtomicLong();
    CountDownLatch backendSawEnd = new CountDownLatch(1);
    try (TcpBackend flood = TcpBackend.start(socket -> {
          OutputStream out = socket.getOutputStream();
          byte[] chunk = new byte[64 * 1024];
          try {
            for (int i = 0; i < 100_000; i++) { // bounded: 6 GiB, far more than any buffer holds
              out.write(chunk);
              sent.addAndGet(chunk.length);
            }
          } catch (IOException closed) {
            backendSawEnd.countDown();
          }
        });
        Gateway gateway = Gateway.start(1, true)) {
      gateway.healthy("p", flood.address());
      gateway.apply(config(listener("l", port, "p").put("idleTimeout", "1s"), pool("p", flood.address())));
      try (Socket client = Streams.connect(port)) {
        client.setReceiveBufferSize(64 * 1024);
        InputStream in = client.getInputStream();
        assertThat(in.readNBytes(1024)).hasSize(1024);
        // Then it never reads again: the buffers fill, the backend is paused, and nothing moves.

        assertThat(backendSawEnd.await(15, TimeUnit.SECONDS)).as("the flooding backend is cut off").isTrue();
        JsonObject line = gateway.awaitAccessLine("idle_timeout");
        assertThat(line.getLong("bytesOut")).isLessThan(sent.get() + 1).isLessThan(64L * 1024 * 1024);
        assertThat(gateway.gauge(MetricNames.LISTENER_CONNECTIONS_ACTIVE, "listener", "l")).isZero();
      }
    }
  }
}
