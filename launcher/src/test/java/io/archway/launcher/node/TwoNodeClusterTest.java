package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.cluster.NodeInfo;
import io.archway.core.cluster.NodeRegistry;
import io.archway.core.testing.EchoBackend;
import io.archway.core.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real nodes (each its own Hazelcast member) in one JVM, on 127.0.0.2 and 127.0.0.3. */
class TwoNodeClusterTest {

  @TempDir Path dir;
  private final Vertx backends = Vertx.vertx();
  private GatewayNode first;
  private GatewayNode second;

  @AfterEach
  void stop() {
    if (second != null) second.stop();
    if (first != null) first.stop();
    backends.close().await();
  }

  @Test
  void aNodeThatJoinsLaterServesTheConfigPublishedByTheFirst() throws Exception {
    EchoBackend echo = EchoBackend.start(backends, "127.0.0.1", "hello from echo\n").await();
    int listenerPort = Ports.free();
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2", "127.0.0.3");
    JsonArray listeners = new JsonArray().add(NodeDocuments.tcpListener("echo", listenerPort, "echo"));
    JsonArray pools = new JsonArray().add(NodeDocuments.pool("echo", echo.address()));

    first = GatewayNode.start(docs.node(0, listeners, pools), docs.file(0)).await();
    // The second node's own file has no listeners at all: it must adopt the cluster's.
    second = GatewayNode.start(docs.node(1, new JsonArray(), new JsonArray()), docs.file(1)).await();

    assertThat(second.context().status().appliedVersion()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(exchange("127.0.0.3", listenerPort, "ping\n")).isEqualTo("hello from echo\nping\n"));
    assertThat(exchange("127.0.0.2", listenerPort, "pong\n")).isEqualTo("hello from echo\npong\n");

    NodeRegistry registry = NodeRegistry.open(first.vertx()).await();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(registry.nodes().await()).extracting(NodeInfo::name, NodeInfo::appliedVersion, NodeInfo::state)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("node-1", 1L, "ready"),
                org.assertj.core.groups.Tuple.tuple("node-2", 1L, "ready")));
  }

  /** Sends {@code text}, closes the sending side, and reads until the gateway closes. */
  private static String exchange(String host, int port, String text) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

}
