package io.archway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.Ports;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node's {@code GET /metrics} over HTTP, after traffic whose every byte and connection is known,
 * and its access log in the file its config names.
 */
class MetricsScrapeProcessTest {

  @TempDir Path dir;

  @Test
  void aScrapeAfterKnownTrafficShowsExactCounts() throws Exception {
    int echoPort = Ports.free();
    int nopePort = Ports.free();
    int adminPort = Ports.free();
    String dead = "127.0.0.1:" + Ports.closed();
    try (EchoServer backend = new EchoServer()) {
      Path file = dir.resolve("gateway.yaml");
      Files.writeString(file, """
          node:
            stateDir: state
          accessLog:
            file: access.log
          listeners:
            - {name: echo, host: 127.0.0.1, port: %d, pool: echo}
            - {name: nope, host: 127.0.0.1, port: %d, pool: dead}
          pools:
            - name: echo
              targets: [{address: "127.0.0.1:%d"}]
              probe: {interval: 200ms, timeout: 100ms}
            - name: dead
              targets: [{address: "%s"}]
              probe: {interval: 200ms, timeout: 100ms}
          """.formatted(echoPort, nopePort, backend.port(), dead));
      try (NodeProcess node = NodeProcess.start(dir, "run", "--config", file.toString(), "--admin-port",
          String.valueOf(adminPort), "--node-name", "scraped", "--cluster-port", String.valueOf(Ports.free()))) {
        await().atMost(Duration.ofSeconds(60)).until(() -> NodeProcess.status(adminPort, "/readyz") == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> NodeProcess.body(adminPort, "/api/health").contains(":\"healthy\""));

        for (int i = 0; i < 3; i++) {
          try (Socket client = connect(echoPort)) {
            String sent = "client-" + i + "-" + "x".repeat(100 * (i + 1));
            client.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
            assertThat(read(client.getInputStream(), sent.length())).isEqualTo(sent);
          }
        }
        try (Socket refused = connect(nopePort)) {
          assertThat(refused.getInputStream().read()).isEqualTo(-1);
        }
        // Sizes: "client-i-" (9 bytes) plus 100, 200, 300 x's.
        long bytes = 3 * 9 + 100 + 200 + 300;

        await().atMost(Duration.ofSeconds(10)).until(() ->
            metrics(adminPort).getOrDefault("archway_listener_connections_closed_total{listener=\"echo\",termination=\"client_close\"}", 0.0) == 3);
        Map<String, Double> m = metrics(adminPort);
        assertThat(m).containsEntry("archway_listener_connections_total{listener=\"echo\"}", 3.0)
            .containsEntry("archway_listener_connections_active{listener=\"echo\"}", 0.0)
            .containsEntry("archway_listener_bytes_total{direction=\"in\",listener=\"echo\"}", (double) bytes)
            .containsEntry("archway_listener_bytes_total{direction=\"out\",listener=\"echo\"}", (double) bytes)
            .containsEntry("archway_listener_rejected_total{listener=\"echo\",reason=\"no_target\"}", 0.0)
            .containsEntry("archway_listener_connections_total{listener=\"nope\"}", 1.0)
            .containsEntry("archway_listener_rejected_total{listener=\"nope\",reason=\"no_target\"}", 1.0)
            .containsEntry("archway_backend_connect_seconds_count{pool=\"echo\"}", 3.0)
            .containsEntry("archway_backend_connect_errors_total{pool=\"echo\",target=\"127.0.0.1:" + backend.port() + "\"}", 0.0)
            .containsEntry("archway_backend_retries_total{pool=\"echo\"}", 0.0)
            .containsEntry("archway_backend_redispatches_total{pool=\"echo\"}", 0.0)
            .containsEntry("archway_pool_targets{pool=\"echo\",state=\"healthy\"}", 1.0)
            .containsEntry("archway_pool_targets{pool=\"dead\",state=\"unhealthy\"}", 1.0)
            .containsEntry("archway_probe_results_total{pool=\"dead\",result=\"success\",target=\"" + dead + "\"}", 0.0)
            .containsEntry("archway_config_version", 1.0)
            .containsEntry("archway_config_applies_total{result=\"ok\"}", 1.0)
            .containsEntry("archway_config_applies_total{result=\"failed\"}", 0.0)
            .containsEntry("archway_accesslog_dropped_total", 0.0);
        assertThat(m.get("archway_probe_results_total{pool=\"dead\",result=\"failure\",target=\"" + dead + "\"}"))
            .isGreaterThanOrEqualTo(1.0);
        assertThat(m.get("archway_probe_results_total{pool=\"echo\",result=\"success\",target=\"127.0.0.1:"
            + backend.port() + "\"}")).isGreaterThanOrEqualTo(1.0);
        // No label carries a client's address: the only 127.0.0.1 labels are the configured targets.
        assertThat(m.keySet()).filteredOn(k -> k.contains("127.0.0.1"))
            .allMatch(k -> k.contains("target=\"127.0.0.1:" + backend.port() + "\"") || k.contains("target=\"" + dead + "\""));

        // The access log goes to the file named in the config (relative to its folder), not to stdout.
        Path accessLog = dir.resolve("access.log");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(accessLog) && Files.readAllLines(accessLog).size() == 4);
        List<JsonObject> lines = Files.readAllLines(accessLog).stream().map(JsonObject::new).toList();
        assertThat(node.stdoutText()).isEmpty();
        assertThat(lines).filteredOn(l -> l.getString("listener").equals("echo"))
            .extracting(l -> l.getLong("bytesIn")).containsExactlyInAnyOrder(109L, 209L, 309L);
        assertThat(lines).filteredOn(l -> l.getString("listener").equals("nope"))
            .extracting(l -> l.getString("termination")).containsExactly("no_target");
      }
    }
  }

  /** Each sample line of the scrape by its name and labels, as Prometheus prints them. */
  private static Map<String, Double> metrics(int adminPort) {
    Map<String, Double> out = new HashMap<>();
    for (String line : NodeProcess.body(adminPort, "/metrics").lines().toList()) {
      if (line.startsWith("#") || line.isBlank()) continue;
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    s.setSoTimeout(10_000);
    return s;
  }

  private static String read(InputStream in, int n) throws IOException {
    return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
  }

  /** Echoes every connection on a thread of its own, until the client closes. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    EchoServer() throws IOException {
      Thread accept = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            Thread t = new Thread(() -> {
              try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // the client left
              }
            });
            t.setDaemon(true);
            t.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
