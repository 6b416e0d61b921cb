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
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Backends that misbehave: silent, trickling, restarted under load. Each case checks what the client
 * sees, the termination the gateway records, and that it holds nothing afterwards. (A backend reset
 * mid-stream: ResetTest; a refusing port and retries: ConnectAndBalanceTest.)
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackendFaultsTest {

  private final int port = Ports.free();
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    gateway = Gateway.start(1, true);
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aBackendThatAcceptsAndNeverAnswersIsClosedByTheIdleTimeout() throws Exception {
    CountDownLatch backendSawEnd = new CountDownLatch(1);
    try (TcpBackend silent = TcpBackend.start(socket -> {
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // reads everything, answers nothing
      }
      backendSawEnd.countDown();
    })) {
      gateway.healthy("p", silent.address());
      gateway.apply(config(listener("l", port, "p").put("idleTimeout", "1s"), pool("p", silent.address())));
      try (Socket client = Streams.connect(port)) {
        Streams.write(client.getOutputStream(), "hello?");
        long start = System.nanoTime();
        assertThat(Streams.closedByPeer(client)).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 10_000L);
      }
      assertThat(backendSawEnd.await(10, TimeUnit.SECONDS)).as("the backend's connection is closed too").isTrue();
      JsonObject line = gateway.awaitAccessLine("idle_timeout");
      assertThat(line.getLong("bytesIn")).isEqualTo(6);
      assertThat(line.getLong("bytesOut")).isZero();
      assertThat(gateway.gauge(MetricNames.LISTENER_CONNECTIONS_ACTIVE, "listener", "l")).isZero();
    }
  }

  @Test
  void aBackendAnsweringOneByteAtATimeKeepsItsConnectionPastTheIdleTimeout() throws Exception {
    try (TcpBackend trickle = TcpBackend.start(socket -> {
      for (int i = 0; i < 6; i++) {
        socket.getOutputStream().write('0' + i);
        socket.getOutputStream().flush();
        Thread.sleep(400);
      }
    })) {
      gateway.healthy("p", trickle.address());
      gateway.apply(config(listener("l", port, "p").put("idleTimeout", "1s"), pool("p", trickle.address())));
      try (Socket client = Streams.connect(port)) {
        // 2.4 s in all, never 1 s without a byte: the idle timeout must not fire.
        assertThat(Streams.read(client.getInputStream(), 6)).isEqualTo("012345");
        assertThat(Streams.closedByPeer(client)).isTrue();
      }
      JsonObject line = gateway.awaitAccessLine(l -> true);
      assertThat(line.getString("termination")).isEqualTo("backend_close");
      assertThat(line.getLong("bytesOut")).isEqualTo(6);
      assertThat(line.getLong("durationMs")).isGreaterThanOrEqualTo(2_000L);
    }
  }

  @Test
  void aBackendRestartedUnderLoadCostsOnlyItsOwnConnections() throws Exception {
    int deadPort = Ports.free();
    TcpBackend a = TcpBackend.startOn(deadPort, s -> {
      s.getOutputStream().write('A');
      TcpBackend.echo(s);
    });
    try (TcpBackend b = TcpBackend.start(s -> {
      s.getOutputStream().write('B');
      TcpBackend.echo(s);
    })) {
      String addrA = "127.0.0.1:" + deadPort;
      gateway.healthy("p", addrA, b.address());
      gateway.apply(config(listener("l", port, "p"), pool("p", addrA, b.address()).put("retries", 1)));
      List<Socket> onA = new ArrayList<>();
      List<Socket> onB = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Socket client = Streams.connect(port);
        (Streams.read(client.getInputStream(), 1).equals("A") ? onA : onB).add(client);
      }
      assertThat(onA).hasSize(5);
      assertThat(onB).hasSize(5);

      a.close(); // the backend process dies: its sockets close, its port refuses
      for (Socket client : onA) assertThat(Streams.closedByPeer(client)).isTrue();
      for (Socket client : onB) {
        Streams.write(client.getOutputStream(), "still");
        assertThat(Streams.read(client.getInputStream(), 5)).isEqualTo("still");
      }
      // Probes have not noticed yet: a new connection that picks A fails over to B within its retries.
      for (int i = 0; i < 6; i++) {
        try (Socket client = Streams.connect(port)) {
          assertThat(Streams.read(client.getInputStream(), 1)).isEqualTo("B");
        }
      }
      assertThat(gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", addrA)).isPositive();

      try (TcpBackend restarted = TcpBackend.startOn(deadPort, s -> {
        s.getOutputStream().write('A');
        TcpBackend.echo(s);
      })) {
        int seenA = 0;
        for (int i = 0; i < 6; i++) {
          try (Socket client = Streams.connect(port)) {
            if (Streams.read(client.getInputStream(), 1).equals("A")) seenA++;
          }
        }
        assertThat(seenA).as("the restarted backend gets connections again").isEqualTo(3);
      }
      for (Socket client : onB) client.close();
      for (Socket client : onA) client.close();
    } finally {
      a.close();
    }
  }
}
