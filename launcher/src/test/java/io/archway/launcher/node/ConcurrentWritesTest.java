package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.EchoBackend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry writes without {@code If-Match}, many at once against a real node (its config in Hazelcast): a
 * write that loses the compare-and-set to another is redone on the newer config, so every one is taken.
 */
class ConcurrentWritesTest {

  private static final int WRITERS = 16;

  @TempDir Path dir;
  private final Vertx backends = Vertx.vertx();
  private GatewayNode node;

  @AfterEach
  void stop() {
    if (node != null) node.stop();
    backends.close().await();
  }

  @Test
  void everyConcurrentEntryWriteWithoutIfMatchIsTaken() throws Exception {
    EchoBackend echo = EchoBackend.start(backends).await();
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2");
    JsonObject doc = docs.node(0, new JsonArray(), new JsonArray().add(NodeDocuments.pool("echo", echo.address())));
    node = GatewayNode.start(doc, docs.file(0)).await();
    AdminClient admin = new AdminClient(doc);

    ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<HttpResponse<String>>> writes = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        String body = NodeDocuments.pool("p" + i, echo.address()).encode();
        String path = "/api/pools/p" + i;
        writes.add(threads.submit(() -> admin.send("PUT", path, body)));
      }
      for (int i = 0; i < WRITERS / 2; i++) {
        writes.add(threads.submit(() -> admin.send("POST", "/api/pools/echo/targets/" + echo.address() + "/drain", null)));
      }
      for (Future<HttpResponse<String>> w : writes) {
        HttpResponse<String> response = w.get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      }
    } finally {
      threads.shutdownNow();
    }
    HttpResponse<String> config = admin.send("GET", "/api/config", null);
    assertThat(new JsonObject(config.body()).getJsonArray("pools")).hasSize(1 + WRITERS);
    assertThat(config.headers().firstValue("ETag")).hasValue("\"" + (1 + WRITERS + WRITERS / 2) + "\"");
  }
}
