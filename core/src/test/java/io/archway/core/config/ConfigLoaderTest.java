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
  }

  @Test
  void unparsableYamlIsAProblemNotACrash() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "listeners: [\n");
    assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("cannot read " + file);
  }
}
