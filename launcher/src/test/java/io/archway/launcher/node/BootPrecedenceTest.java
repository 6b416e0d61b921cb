package io.archway.launcher.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.archway.core.store.ConfigStore;
import io.archway.core.store.VersionedConfig;
import io.archway.core.testing.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which config a node starts with when it finds no cluster config: the one it last applied (state dir),
 * unless its config file was edited after that. (A cluster that has a config always wins: see
 * TwoNodeClusterTest.)
 */
class BootPrecedenceTest {

  @TempDir Path dir;

  private JsonObject document(NodeDocuments docs, String poolName) {
    return docs.node(0, new JsonArray(), new JsonArray().add(NodeDocuments.pool(poolName, "127.0.0.1:" + Ports.free())));
  }

  private VersionedConfig runOnce(JsonObject document, Path file, java.util.function.Consumer<GatewayNode> during) {
    GatewayNode node = GatewayNode.start(document, file).await();
    try {
      during.accept(node);
      return ConfigStore.open(node.vertx()).await().current().await();
    } finally {
      node.stop();
    }
  }

  private static String poolName(VersionedConfig config) {
    return config.config().getJsonArray("pools").getJsonObject(0).getString("name");
  }

  @Test
  void aStateDirThatCannotBeWrittenStopsTheStartNamingIt() throws Exception {
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2");
    Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
    JsonObject document = document(docs, "p");
    document.getJsonObject("node").put("stateDir", notAFolder.resolve("state").toString());
    assertThatThrownBy(() -> GatewayNode.start(document, docs.file(0)).await())
        .hasMessageStartingWith("state dir " + notAFolder.resolve("state") + " cannot be written (")
        .hasMessageEndingWith("; set --state-dir or node.stateDir to a folder this process can write");
  }

  @Test
  void aRestartedNodeRestoresWhatWasWrittenThroughTheApiUnlessItsFileIsNewer() throws Exception {
    NodeDocuments docs = new NodeDocuments(dir, "127.0.0.2");
    Path file = docs.file(0);
    Files.writeString(file, "# stands for the node's config file; its time decides\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));

    // First boot: no state, so the file's config is version 1.
    VersionedConfig first = runOnce(document(docs, "from-file"), file,
        node -> assertThat(node.context().status().appliedVersion()).isEqualTo(1));
    assertThat(first.version()).isEqualTo(1);
    assertThat(poolName(first)).isEqualTo("from-file");
    Path state = dir.resolve("node-1").resolve(StateDir.APPLIED);
    assertThat(state).exists();

    // The state file now holds a version written "through the API" (simulated: a newer state file).
    new StateDir(state.getParent()).writeApplied(new VersionedConfig(2,
        new JsonObject().put("listeners", new JsonArray()).put("pools", new JsonArray()
            .add(NodeDocuments.pool("from-api", "127.0.0.1:1"))).put("certificates", new JsonArray())));

    VersionedConfig restored = runOnce(document(docs, "from-file"), file, node -> { });
    assertThat(restored.version()).isEqualTo(2);
    assertThat(poolName(restored)).isEqualTo("from-api");

    // The operator edits the file after that: newer intent, published as the next version.
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    VersionedConfig edited = runOnce(document(docs, "edited"), file, node -> { });
    assertThat(edited.version()).isEqualTo(3);
    assertThat(poolName(edited)).isEqualTo("edited");
  }
}
