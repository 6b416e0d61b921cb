package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.EchoBackend;
import io.archway.core.testing.Ports;
import io.archway.launcher.status.StatusCommand;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code archway status} against a real node: names, health, and the exit code that scripts test. */
class StatusCommandTest {

  @TempDir Path dir;
  private final Vertx backends = Vertx.vertx();
  private GatewayNode node;

  @AfterEach
  void stop() {
    if (node != null) node.stop();
    backends.close().await();
  }

  private record Run(int code, String out, String err) {}

  private static Run status(String admin) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new StatusCommand(admin, Optional.empty()).run(
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void exitCodeSaysWhetherEveryTargetIsHealthy() {
    EchoBackend echo = EchoBackend.start(backends).await();
    String dead = "127.0.0.1:" + Ports.free();
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2");
    JsonObject doc = docs.node(0, new JsonArray().add(NodeDocuments.tcpListener("redis", Ports.free(), "redis")),
        new JsonArray().add(NodeDocuments.pool("redis", echo.address(), dead)));
    node = GatewayNode.start(doc, docs.file(0)).await();
    String admin = "http://127.0.0.2:" + doc.getJsonObject("admin").getInteger("port");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Run run = status(admin);
      assertThat(run.code()).isEqualTo(StatusCommand.TARGET_DOWN);
      assertThat(run.out()).contains("node-1", "applied 1", "redis", "-> pool redis")
          .contains(echo.address() + " ", "healthy on 1 node")
          .contains(dead + " ", "UNHEALTHY on node-1");
    });

    new AdminClient(doc).write("PUT", "/api/pools/redis", NodeDocuments.pool("redis", echo.address()).encode());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(admin).code()).isEqualTo(StatusCommand.HEALTHY));
  }

  @Test
  void anUnreachableAdminIsExitTwo() {
    Run run = status("http://127.0.0.1:" + Ports.free());
    assertThat(run.code()).isEqualTo(StatusCommand.UNREACHABLE);
    assertThat(run.err()).startsWith("archway status: cannot reach the admin API at http://127.0.0.1:");
  }
}
