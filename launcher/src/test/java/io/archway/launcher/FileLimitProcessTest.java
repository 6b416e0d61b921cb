package io.archway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node near its file-descriptor limit (lowered on the running process with prlimit): new connections
 * are not relayed, the connections it holds keep flowing, the process stays up, and service comes back
 * once descriptors are free again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FileLimitProcessTest {

  /**
   * Descriptors left free above what the node holds when the limit is lowered. Odd, because each relayed
   * connection takes two: the last free one then goes to an accept, and the connect to the target that
   * follows is what fails, which the gateway answers by closing the client and counting it. With an even
   * number the accept itself would fail, the case the end of the test sets up on purpose.
   */
  private static final int HEADROOM = 41;
  private static final int HELD = 10;

  @TempDir Path dir;

  @Test
  void atItsFileLimitANodeKeepsItsConnectionsRefusesNewOnesAndRecovers() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
    int listenerPort = Ports.free();
    int adminPort = Ports.free();
    List<Socket> held = new ArrayList<>();
    List<Socket> extra = new ArrayList<>();
    try (EchoServer backend = new EchoServer();
         NodeProcess node = NodeProcess.start(dir, "run", "--config", config(listenerPort, backend.port()).toString(),
             "--admin-port", String.valueOf(adminPort), "--node-name", "fd", "--cluster-port",
             String.valueOf(Ports.free()))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> NodeProcess.status(adminPort, "/readyz") == 200);
      await().atMost(Duration.ofSeconds(10)).until(() -> NodeProcess.body(adminPort, "/api/health").contains(":\"healthy\""));
      long pid = node.process.pid();
      // The first connection opens what the node keeps from then on (its DNS resolver's socket).
      tryRelay(listenerPort, "warm-up").close();
      int open = openDescriptors(pid);
      int limit = open + HEADROOM;
      setLimit(pid, limit);

      for (int i = 0; i < HELD; i++) held.add(relayed(listenerPort, "held" + i));

      // Each relayed connection costs two descriptors: far more clients than the headroom allows.
      int relayedExtra = 0;
      for (int i = 0; i < HEADROOM; i++) {
        Socket s = tryRelay(listenerPort, "x" + i);
        if (s != null) {
          extra.add(s);
          relayedExtra++;
        }
      }
      assertThat(relayedExtra).as("connections relayed past the limit").isLessThan(HEADROOM / 2);
      // Counted as the process's own shortage, not blamed on the target: no probe failure, no health flip.
      String metrics = NodeProcess.body(adminPort, "/metrics");
      assertThat(counter(metrics, "archway_listener_rejected_total{listener=\"echo\",reason=\"fd_limit\"}"))
          .as("clients closed for want of descriptors").isPositive();
      assertThat(counter(metrics, "archway_probe_results_total{pool=\"echo\",result=\"failure\"")).isZero();
      assertThat(NodeProcess.status(adminPort, "/healthz")).isEqualTo(200);
      for (int i = 0; i < held.size(); i++) {
        assertThat(echo(held.get(i), "still" + i)).as("held connection %d still flows", i).isTrue();
      }

      for (Socket s : extra) s.close();
      for (Socket s : held) s.close();
      // Descriptors are free again: new connections are relayed (after probes confirm the target, if the
      // exhaustion cost it a probe).
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
        Socket s = tryRelay(listenerPort, "again");
        if (s == null) return false;
        s.close();
        return true;
      });
      assertThat(node.process.isAlive()).isTrue();
      assertThat(NodeProcess.body(adminPort, "/api/events")).as("the target never went unhealthy")
          .doesNotContain("unhealthy");
      assertThat(node.stderrText()).contains("out of file descriptors: cannot connect to any target");

      // At its limit exactly, not even an accept can succeed: the client waits in the kernel's backlog,
      // neither answered nor closed, one line says why, and it is relayed once descriptors are free.
      // (They are freed by closing connections: raising a hard limit again takes a privilege.)
      List<Socket> holding = List.of(relayed(listenerPort, "hold-a"), relayed(listenerPort, "hold-b"));
      extra.addAll(holding); // closed by the finally block too, should an assertion fail first
      setLimit(pid, lowestFreeDescriptor(pid));
      try (Socket waiting = new Socket()) {
        waiting.connect(new InetSocketAddress("127.0.0.1", listenerPort), 2000);
        waiting.setSoTimeout(1500);
        OutputStream out = waiting.getOutputStream();
        out.write("late\n".getBytes());
        out.flush();
        assertThatThrownBy(() -> waiting.getInputStream().read()).as("nothing answers, nothing closes")
            .isInstanceOf(SocketTimeoutException.class);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> node.stderrText().contains("listener 'echo' cannot accept new connections"));
        for (Socket s : holding) s.close();
        waiting.setSoTimeout(10_000);
        assertThat(new String(waiting.getInputStream().readNBytes(5))).isEqualTo("late\n");
      }
      assertThat(node.stderrText()).as("one line, not a stack trace per attempt").doesNotContain("accept(..) failed");
    } finally {
      for (Socket s : extra) s.close();
      for (Socket s : held) s.close();
    }
  }

  private Path config(int listenerPort, int backendPort) throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, """
        node:
          stateDir: state
        accessLog:
          enabled: false
        listeners:
          - name: echo
            host: 127.0.0.1
            port: %d
            pool: echo
        pools:
          - name: echo
            connectTimeout: 2s
            targets: [{address: "127.0.0.1:%d"}]
            probe: {interval: 500ms, timeout: 400ms, healthyThreshold: 1}
        """.formatted(listenerPort, backendPort));
    return file;
  }

  /** The value of the first series whose line starts with {@code series} (0 when there is none). */
  private static double counter(String metrics, String series) {
    return metrics.lines().filter(l -> l.startsWith(series)).findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
  }

  private static void setLimit(long pid, int limit) throws Exception {
    Process prlimit = new ProcessBuilder("prlimit", "--pid", String.valueOf(pid), "--nofile=" + limit + ":" + limit)
        .redirectErrorStream(true).start();
    assertThat(prlimit.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(prlimit.exitValue()).as(new String(prlimit.getInputStream().readAllBytes())).isZero();
  }

  /** The number the process's next descriptor gets: the lowest one not open (the limit caps numbers). */
  private static int lowestFreeDescriptor(long pid) throws IOException {
    Set<Integer> open;
    try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      open = fds.map(f -> Integer.parseInt(f.getFileName().toString())).collect(Collectors.toSet());
    }
    int n = 0;
    while (open.contains(n)) n++;
    return n;
  }

  private static int openDescriptors(long pid) throws IOException {
    try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      return (int) fds.count();
    }
  }

  private static Socket relayed(int port, String text) throws IOException {
    Socket s = tryRelay(port, text);
    assertThat(s).as("a connection is relayed before the limit").isNotNull();
    return s;
  }

  /** A connection through the gateway that echoes {@code text}, or null when it was not relayed in 2 s. */
  private static Socket tryRelay(int port, String text) {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(2000);
      if (echo(s, text)) return s;
    } catch (IOException e) {
      // refused, reset or timed out: not relayed
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a socket that failed
    }
    return null;
  }

  private static boolean echo(Socket s, String text) {
    try {
      OutputStream out = s.getOutputStream();
      out.write((text + "\n").getBytes());
      out.flush();
      byte[] got = s.getInputStream().readNBytes(text.length() + 1);
      return new String(got).equals(text + "\n");
    } catch (IOException e) {
      return false;
    }
  }

  /** A thread-per-connection echo server on loopback. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    EchoServer() throws IOException {
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            sockets.add(s);
            Thread t = new Thread(() -> {
              try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
              } catch (IOException ignored) {
                // the gateway closed it
              }
            });
            t.setDaemon(true);
            t.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) s.close();
    }
  }
}
