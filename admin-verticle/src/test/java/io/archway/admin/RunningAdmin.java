package io.archway.admin;

import io.archway.core.cluster.NodeRegistry;
import io.archway.core.config.AdminConfig;
import io.archway.core.config.NodeSections;
import io.archway.core.health.HealthBoard;
import io.archway.core.node.NodeContext;
import io.archway.core.store.ConfigStore;
import io.archway.core.store.ConfigWriter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** An admin verticle listening on a free loopback port, with local cluster state, and an HTTP client for it. */
final class RunningAdmin implements AutoCloseable {

  final Vertx vertx;
  final NodeContext node;
  final ConfigStore store;
  final ConfigWriter writer;
  final NodeRegistry registry;
  final HealthBoard board;
  final AdminVerticle verticle;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningAdmin(Vertx vertx, NodeContext node, ConfigStore store, ConfigWriter writer, NodeRegistry registry,
      HealthBoard board, AdminVerticle verticle) {
    this.vertx = vertx;
    this.node = node;
    this.store = store;
    this.writer = writer;
    this.registry = registry;
    this.board = board;
    this.verticle = verticle;
  }

  static RunningAdmin start(Optional<String> token) {
    Vertx vertx = Vertx.vertx();
    NodeContext node = NodeContext.create("node-a");
    ConfigStore store = ConfigStore.open(vertx).await();
    NodeRegistry registry = NodeRegistry.open(vertx).await();
    HealthBoard board = HealthBoard.open(vertx).await();
    Path baseDir = Path.of(".").toAbsolutePath();
    // This node's own sections, which a whole-config write may carry unchanged (AdminConfigWriteTest).
    JsonObject own = new JsonObject().put("admin", new JsonObject().put("port", 19090))
        .put("node", new JsonObject().put("name", "node-a"));
    ConfigWriter writer = new ConfigWriter(vertx, store, baseDir, new NodeSections(own, baseDir, Map.of("ADMIN_PORT", "19090")));
    AdminVerticle verticle =
        new AdminVerticle(node, new AdminConfig("127.0.0.1", 0, token), store, writer, registry, board);
    vertx.deployVerticle(verticle).await();
    return new RunningAdmin(vertx, node, store, writer, registry, board, verticle);
  }

  HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, headers);
  }

  /** Sends a request with an empty body; {@code headers} are name, value pairs. */
  HttpResponse<String> send(String method, String path, String... headers) {
    return sendBody(method, path, null, headers);
  }

  /** Sends a request with {@code body} (none when null); {@code headers} are name, value pairs. */
  HttpResponse<String> sendBody(String method, String path, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + verticle.port() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
