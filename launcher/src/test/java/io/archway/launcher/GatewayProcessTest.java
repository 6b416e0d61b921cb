package io.archway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.Ports;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real launcher in its own JVM, as bin/archway runs it: start, serve, SIGTERM, drain, exit 0. */
class GatewayProcessTest {

  @TempDir Path dir;

  private Path config(int listenerPort, int backendPort, String drainTimeout) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, """
        node:
          stateDir: state
        listeners:
          - name: echo
            host: 127.0.0.1
            port: %d
            pool: echo
        pools:
          - name: echo
            drainTimeout: %s
            targets: [{address: "127.0.0.1:%d"}]
            probe: {interval: 200ms, timeout: 100ms}
        """.formatted(listenerPort, drainTimeout, backendPort));
    return file;
  }

  @Test
  void sigtermTurnsReadinessOffDrainsOpenConnectionsAndExitsZero() throws Exception {
    int listenerPort = Ports.free();
    int adminPort = Ports.free();
    try (ServerSocket backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
         NodeProcess node = NodeProcess.start(dir, "run", "--config", config(listenerPort, backend.getLocalPort(),
             "20s").toString(), "--admin-port", String.valueOf(adminPort), "--node-name", "solo",
             "--cluster-port", String.valueOf(Ports.free()))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> NodeProcess.status(adminPort, "/readyz") == 200);
      // Ready means bound; the target serves once its first probe succeeded (until then: no_target).
      await().atMost(Duration.ofSeconds(10)).until(() -> NodeProcess.body(adminPort, "/api/health").contains(":\"healthy\""));

      Socket client = new Socket();
      client.connect(new InetSocketAddress("127.0.0.1", listenerPort), 2000);
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      out.write("before\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      Socket accepted = acceptRelayed(backend, "before");

      node.process.destroy(); // SIGTERM
      await().atMost(Duration.ofSeconds(10)).until(() -> NodeProcess.status(adminPort, "/readyz") == 503);
      // The open connection still flows while the node drains.
      accepted.getOutputStream().write("during drain\n".getBytes(StandardCharsets.UTF_8));
      assertThat(readLine(client.getInputStream())).isEqualTo("during drain");
      assertThat(node.process.isAlive()).isTrue();

      accepted.close();
      client.close();
      assertThat(node.waitFor(Duration.ofSeconds(30))).isZero();
      assertThat(node.stderrText()).contains("node solo draining").contains("node solo stopped")
          .as("a clean start and stop warns of nothing").doesNotContain("WARNING").doesNotContain("SEVERE");
      assertThat(Files.readString(dir.resolve("state").resolve("applied-config.json"))).contains("\"version\" : 1");
    }
  }

  @Test
  void anInvalidConfigExitsTwoAndNamesTheProblem() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "listeners:\n  - name: x\n    port: 99999\n    pool: x\n");
    try (NodeProcess node = NodeProcess.start(dir, "run", "--config", file.toString())) {
      assertThat(node.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(node.stderrText()).contains("listeners[0].port: 99999 is not a port (1-65535)");
    }
  }

  @Test
  void aListenerPortInUseExitsOneAndNamesThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
         NodeProcess node = NodeProcess.start(dir, "run", "--config",
             config(taken.getLocalPort(), Ports.free(), "1s").toString(),
             "--admin-port", String.valueOf(Ports.free()), "--cluster-port", String.valueOf(Ports.free()))) {
      assertThat(node.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(node.stderrText()).contains(String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void aClusterPortInUseExitsOneWithOneLineNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
         NodeProcess node = NodeProcess.start(dir, "run", "--config",
             config(Ports.free(), Ports.free(), "1s").toString(),
             "--admin-port", String.valueOf(Ports.free()), "--cluster-port", String.valueOf(taken.getLocalPort()))) {
      assertThat(node.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(node.stderrText()).contains("archway: cannot start: cluster port 127.0.0.1:" + taken.getLocalPort()
          + " cannot be bound").contains("--cluster-port").doesNotContain("HazelcastException");
    }
  }

  /** Accepts until the connection that carries {@code firstLine}; health probes connect and leave. */
  private static Socket acceptRelayed(ServerSocket backend, String firstLine) throws Exception {
    backend.setSoTimeout(10_000);
    for (int i = 0; i < 200; i++) {
      Socket s = backend.accept();
      s.setSoTimeout(10_000);
      if (readLine(s.getInputStream()).equals(firstLine)) return s;
      s.close();
    }
    throw new AssertionError("no relayed connection reached the backend");
  }

  private static String readLine(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') sb.append((char) c);
    return sb.toString();
  }
}
