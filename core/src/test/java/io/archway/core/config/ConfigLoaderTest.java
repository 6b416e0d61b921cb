package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void readsYamlAndReplacesEnvironmentVariables() throws Exception {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, """
        admin:
          token: ${TOKEN}
          port: ${ADMIN_PORT:-9191}
        listeners:
          - name: redis
            port: 6380
            pool: redis
        pools:
          - name: redis
            targets: [{address: "127.0.0.1:6379"}]
        """);
    JsonObject json = ConfigLoader.load(vertx, file, Map.of("TOKEN", "s3cret")).await();
    GatewayConfig config = ConfigParser.parse(json, dir);
    assertThat(config.admin().token()).contains("s3cret");
    assertThat(config.admin().port()).isEqualTo(9191);
    assertThat(config.listeners()).hasSize(1);
  }

  @Test
  void anUnsetVariableIsAProblemAtItsPath() throws Exception {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, "admin:\n  token: ${NOPE}\n");
    assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await())
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
            new Problem("admin.token", "environment variable NOPE is not set (set it, or write ${NOPE:-default})")));
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.load(vertx, dir.resolve("none.yaml"), Map.of()).await())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("config file " + dir.resolve("none.yaml") + " does not exist");
    assertThatThrownBy(() -> ConfigLoader.load(vertx, dir, Map.of()).await())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(dir + " is a folder; name the config file in it, such as " + dir.resolve("gateway.yaml"));
  }

  @Test
  void unparsableYamlIsAProblemNotACrash() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "listeners: [\n");
    assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(file + " is not valid YAML: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void keysWrittenTwiceInAYamlFileAreNamedAtTheirPaths() throws Exception {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, """
        admin: {port: 9191}
        pools:
          - name: redis
            targets:
              - {address: "127.0.0.1:6379", weight: 1, weight: 2}
        admin: {port: 9292}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await())
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
            new Problem("pools[0].targets[0].weight", "is written twice (lines 5 and 5); keep one"),
            new Problem("admin", "is written twice (lines 1 and 6); keep one")));
  }

  @Test
  void aKeyWrittenTwiceInAJsonFileIsNamedAtItsPath() throws Exception {
    Path file = dir.resolve("gw.json");
    Files.writeString(file, """
        {"listeners": [
          {"name": "redis", "port": 6380, "pool": "redis"},
          {"name": "other", "port": 6381,
           "port": 6382, "pool": "redis"}
        ]}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await())
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
            new Problem("listeners[1].port", "is written twice (the second time on line 4); keep one")));
  }

  @Test
  void aJsonFileReadsAsJsonWithOrWithoutAByteOrderMarkAndAnEmptyFileIsAnEmptyConfig() throws Exception {
    Path json = dir.resolve("gw.json");
    Files.writeString(json, "{\"admin\": {\"port\": 9393}}");
    assertThat(ConfigLoader.load(vertx, json, Map.of()).await().getJsonObject("admin").getInteger("port"))
        .isEqualTo(9393);
    Path marked = dir.resolve("bom.json");
    Files.writeString(marked, "\uFEFF{\"admin\": {\"port\": 9494}}");
    assertThat(ConfigLoader.load(vertx, marked, Map.of()).await().getJsonObject("admin").getInteger("port"))
        .as("a byte order mark, as Windows editors write it").isEqualTo(9494);
    Path empty = dir.resolve("empty.yaml");
    Files.writeString(empty, "\n");
    assertThat(ConfigLoader.load(vertx, empty, Map.of()).await()).isEqualTo(new JsonObject());
  }

  @Test
  void aYamlAliasInsideItsOwnNodeIsNamedForTheFile() throws Exception {
    Path file = dir.resolve("cycle.yaml");
    Files.writeString(file, "a: &a [*a]\n");
    assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(file + " contains itself through a YAML alias (an anchor used inside its own node)");
  }
}
