package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.EchoBackend;
import io.archway.core.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium (Debian's, installed by .ci/run) against a running node: its
 * script must render the listener and target names from the admin API, and a health change.
 */
class DashboardBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir Path dir;
  private final Vertx backends = Vertx.vertx();
  private GatewayNode node;

  @AfterEach
  void stop() {
    if (node != null) node.stop();
    backends.close().await();
  }

  @Test
  void thePageShowsListenersTargetsAndAHealthChange() throws Exception {
    assertThat(CHROMIUM).as("Debian's chromium (.ci/run installs it)").exists();
    int laterPort = Ports.free();
    EchoBackend echo = EchoBackend.start(backends).await();
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2");
    JsonObject doc = docs.node(0, new JsonArray().add(NodeDocuments.tcpListener("shop-front", Ports.free(), "shop")),
        new JsonArray().add(NodeDocuments.pool("shop", echo.address(), "127.0.0.1:" + laterPort)));
    node = GatewayNode.start(doc, docs.file(0)).await();
    String url = "http://127.0.0.2:" + doc.getJsonObject("admin").getInteger("port") + "/";

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(render(url))
        .contains("shop-front", "127.0.0.1:" + laterPort, "node-1: unhealthy", "node-1: healthy"));

    // The second target comes up: the page shows it healthy and lists the change.
    EchoBackend.startOn(backends, "127.0.0.1", laterPort).await();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(render(url))
        .doesNotContain("node-1: unhealthy")
        .contains("pool shop · 127.0.0.1:" + laterPort + " is now healthy"));
  }

  /** The page's DOM after its script ran and fetched, as headless Chromium dumps it. */
  private String render(String url) throws Exception {
    Path profile = Files.createTempDirectory(dir, "chromium");
    Path out = dir.resolve("dom.html");
    Process p = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=3000", "--dump-dom", url))
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 30 s");
    }
    return Files.readString(out);
  }
}
