package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a node's admin API answers: a node given a loopback bind host (several nodes on one machine) and
 * no {@code admin.host} answers at its bind host as well as at 127.0.0.1; an {@code admin.host} written
 * in the file is the only one.
 */
class AdminAddressTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;
  private GatewayNode node;

  @AfterEach
  void stop() {
    if (node != null) node.stop();
  }

  @Test
  void aLoopbackBindHostServesTheAdminApiThereTooUnlessAnAdminHostIsWritten() throws Exception {
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2");
    JsonObject doc = docs.node(0, new JsonArray(), new JsonArray());
    int port = doc.getJsonObject("admin").getInteger("port");
    doc.getJsonObject("admin").remove("host");
    node = GatewayNode.start(doc, docs.file(0)).await();
    assertThat(status("127.0.0.2", port)).isEqualTo(200);
    assertThat(status("127.0.0.1", port)).isEqualTo(200);
    node.stop();
    node = null;

    JsonObject written = docs.node(0, new JsonArray(), new JsonArray());
    written.getJsonObject("admin").put("host", "127.0.0.1").put("port", port);
    node = GatewayNode.start(written, docs.file(0)).await();
    assertThat(status("127.0.0.1", port)).isEqualTo(200);
    assertThatThrownBy(() -> status("127.0.0.2", port)).isInstanceOf(ConnectException.class);
  }

  private static int status(String host, int port) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/healthz"))
        .timeout(Duration.ofSeconds(5)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
