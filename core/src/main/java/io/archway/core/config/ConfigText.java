package io.archway.core.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** A config (or one entry of it) written as JSON or YAML text, as the admin API receives it. */
public final class ConfigText {

  private static final int MAX_ALIASES = 50;

  private ConfigText() {}

  /** The JSON object the text holds; throws {@link InvalidConfigException} saying why it is none. */
  public static JsonObject parse(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) throw invalid("the body is empty; send the config as JSON or YAML");
    if (trimmed.startsWith("{")) {
      try {
        return new JsonObject(trimmed);
      } catch (DecodeException e) {
        throw invalid("the body is not valid JSON: " + e.getMessage());
      }
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowDuplicateKeys(false);
    Object loaded;
    try {
      loaded = new Yaml(new SafeConstructor(options)).load(trimmed);
    } catch (YAMLException e) {
      throw invalid("the body is neither JSON nor valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!(loaded instanceof Map<?, ?> map)) {
      throw invalid("the body must be an object (a YAML mapping or a JSON object)");
    }
    // Through JSON text so that nested maps, lists and scalars become Vert.x JSON types throughout.
    return new JsonObject(Json.encode(map));
  }

  private static InvalidConfigException invalid(String message) {
    return new InvalidConfigException(List.of(new Problem("", message)));
  }
}
