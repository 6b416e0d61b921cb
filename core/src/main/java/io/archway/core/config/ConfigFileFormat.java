package io.archway.core.config;

import io.vertx.config.spi.ConfigProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Vert.x Config's format {@code archway} (registered in {@code META-INF/services}): a config file read as
 * the admin API reads a body ({@link ConfigText}), JSON by a {@code .json} path and YAML otherwise. Vert.x
 * Config's own formats take the last of two equal keys without a word; this one names them.
 */
public final class ConfigFileFormat implements ConfigProcessor {

  public static final String NAME = "archway";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<JsonObject> process(Vertx vertx, JsonObject configuration, Buffer input) {
    String path = configuration.getString("path", "the config file");
    try {
      return Future.succeededFuture(
          ConfigText.parseFile(input.toString(StandardCharsets.UTF_8), path, path.endsWith(".json")));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
