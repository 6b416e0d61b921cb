package io.archway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.Ports;
import io.archway.launcher.demo.DemoBackends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code archway demo} as a newcomer runs it: the echo and web listeners answer at once. */
class DemoCommandTest {

  @TempDir Path dir;

  @Test
  void theDemoRelaysToItsBuiltInBackends() throws Exception {
    int adminPort = Ports.free();
    try (NodeProcess demo = NodeProcess.start(dir, "demo", "--admin-port", String.valueOf(adminPort),
        "--cluster-port", String.valueOf(Ports.free()), "--state-dir", dir.resolve("state").toString())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> NodeProcess.status(adminPort, "/readyz") == 200);

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", 7000), 2000);
          s.setSoTimeout(5000);
          s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
          s.shutdownOutput();
          assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        }
      });

      HttpResponse<String> page = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/hi")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).startsWith("Hello from the Archway demo backend");

      // One access-log line per finished connection, on stdout.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(demo.stdoutText()).contains("\"listener\":\"echo\""));
      demo.process.destroy();
      assertThat(demo.waitFor(Duration.ofSeconds(60))).isZero();
    }
  }

  /** A backend port already taken (here the echo's): the demo says which and exits, no stack trace. */
  @Test
  void aTakenBackendPortIsNamedAndTheDemoExits() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", DemoBackends.ECHO_PORT));
      PrintStream original = System.err;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = Main.run(new String[] {"demo", "--config", NodeProcess.projectRoot().resolve("conf/demo.yaml").toString(),
            "--admin-port", String.valueOf(Ports.free()), "--cluster-port", String.valueOf(Ports.free()),
            "--state-dir", dir.resolve("state").toString()}, Map.of());
      } finally {
        System.setErr(original);
      }
      assertThat(code).isEqualTo(Main.RUNTIME_FAILURE);
      assertThat(err.toString(StandardCharsets.UTF_8).lines())
          .contains("archway: the demo's echo backend cannot listen on 127.0.0.1:" + DemoBackends.ECHO_PORT
              + " (Address already in use): stop what listens there and start the demo again");
    }
  }
}
