package io.archway.core.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    return new JsonObject(Json.encode(stringKeys(map, Collections.newSetFromMap(new IdentityHashMap<>()))));
  }

  /**
   * YAML keys may be numbers, booleans or null ({@code 37: x}); JSON's are strings. Every key becomes its
   * text, so that validation names it (as an unknown key) instead of the encoder failing on it. A YAML
   * alias may also name a node that contains it ({@code c: &c [*c]}): such a cycle has no JSON form.
   */
  private static Object stringKeys(Object value, Set<Object> enclosing) {
    if (!(value instanceof Map<?, ?>) && !(value instanceof Collection<?>)) return value;
    if (!enclosing.add(value)) {
      throw invalid("the body contains itself through a YAML alias (an anchor used inside its own node)");
    }
    Object copy;
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> entries = new LinkedHashMap<>();
      map.forEach((k, v) -> entries.put(String.valueOf(k), stringKeys(v, enclosing)));
      copy = entries;
    } else {
      List<Object> items = new ArrayList<>();
      for (Object item : (Collection<?>) value) items.add(stringKeys(item, enclosing));
      copy = items;
    }
    enclosing.remove(value);
    return copy;
  }

  private static InvalidConfigException invalid(String message) {
    return new InvalidConfigException(List.of(new Problem("", message)));
  }
}
