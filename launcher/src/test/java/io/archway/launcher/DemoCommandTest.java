package io.archway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.Ports;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
}
