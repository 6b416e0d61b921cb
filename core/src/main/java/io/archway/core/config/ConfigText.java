package io.archway.core.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A config (or one entry of it) written as JSON or YAML text, as the admin API receives it and as a file
 * holds it. The same text gets the same answer both ways: keys written twice are refused in both.
 */
public final class ConfigText {

  private static final int MAX_ALIASES = 50;

  private ConfigText() {}

  /**
   * The JSON object a body holds (JSON when it starts with a brace, YAML otherwise); throws
   * {@link InvalidConfigException} saying why it is none.
   */
  public static JsonObject parse(String text) {
    String trimmed = withoutByteOrderMark(text).strip();
    if (trimmed.isEmpty()) throw invalid("the body is empty; send the config as JSON or YAML");
    return trimmed.startsWith("{")
        ? json(trimmed, "the body is not valid JSON: ")
        : yaml(trimmed, "the body is neither JSON nor valid YAML: ", "the body");
  }

  /**
   * The JSON object a config file holds, JSON when {@code json} and YAML otherwise; an empty file is an
   * empty config. {@code name} (the file's path) begins each message about the text as a whole.
   */
  public static JsonObject parseFile(String text, String name, boolean json) {
    String content = withoutByteOrderMark(text);
    if (content.isBlank()) return new JsonObject();
    return json ? json(content, name + " is not valid JSON: ") : yaml(content, name + " is not valid YAML: ", name);
  }

  /** Editors on Windows may begin UTF-8 text with U+FEFF; it is no part of the config. */
  private static String withoutByteOrderMark(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static JsonObject json(String text, String notValid) {
    List<Problem> duplicates = DuplicateKeys.inJson(text);
    if (!duplicates.isEmpty()) throw new InvalidConfigException(duplicates);
    Object decoded;
    try {
      decoded = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw invalid(notValid + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!(decoded instanceof JsonObject object)) throw invalid(notValid + "it must be one object");
    return object;
  }

  private static JsonObject yaml(String text, String notValid, String subject) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowDuplicateKeys(false);
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
        options, new NoTimestamps());
    Object loaded;
    try {
      List<Problem> duplicates = DuplicateKeys.inYaml(yaml.compose(new StringReader(text)));
      if (!duplicates.isEmpty()) throw new InvalidConfigException(duplicates);
      loaded = yaml.load(text);
    } catch (YAMLException e) {
      throw invalid(notValid + oneLine(e));
    }
    if (!(loaded instanceof Map<?, ?> map)) {
      throw invalid(subject + " must be an object (a YAML mapping or a JSON object)");
    }
    // Through JSON text so that nested maps, lists and scalars become Vert.x JSON types throughout.
    return new JsonObject(Json.encode(stringKeys(map, subject, Collections.newSetFromMap(new IdentityHashMap<>()))));
  }

  /** SnakeYAML's messages run over several lines with a picture of the text; what and where is enough. */
  private static String oneLine(YAMLException e) {
    if (e instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      Mark at = marked.getProblemMark();
      String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
      return context + marked.getProblem()
          + (at == null ? "" : " (line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1) + ")");
    }
    return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
  }

  /**
   * YAML keys may be numbers, booleans or null ({@code 37: x}); JSON's are strings. Every key becomes its
   * text, so that validation names it (as an unknown key) instead of the encoder failing on it. A YAML
   * alias may also name a node that contains it ({@code c: &c [*c]}): such a cycle has no JSON form.
   */
  private static Object stringKeys(Object value, String subject, Set<Object> enclosing) {
    if (!(value instanceof Map<?, ?>) && !(value instanceof Collection<?>)) return jsonScalar(value);
    if (!enclosing.add(value)) {
      throw invalid(subject + " contains itself through a YAML alias (an anchor used inside its own node)");
    }
    Object copy;
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> entries = new LinkedHashMap<>();
      map.forEach((k, v) -> entries.put(String.valueOf(k), stringKeys(v, subject, enclosing)));
      copy = entries;
    } else {
      List<Object> items = new ArrayList<>();
      for (Object item : (Collection<?>) value) items.add(stringKeys(item, subject, enclosing));
      copy = items;
    }
    enclosing.remove(value);
    return copy;
  }

  /**
   * A scalar JSON can hold. Explicit YAML tags make others ({@code !!timestamp}, {@code !!binary}): they
   * become text, so that validation names them where they stand instead of the encoder failing.
   */
  private static Object jsonScalar(Object value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) return value;
    if (value instanceof Date date) return date.toInstant().toString();
    if (value instanceof byte[] bytes) return Base64.getEncoder().encodeToString(bytes);
    return String.valueOf(value);
  }

  /** YAML 1.1's implicit types but timestamps: {@code 2026-01-01} stays the text written, not a date. */
  private static final class NoTimestamps extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      // Resolver's own list (SnakeYAML 2.0) without its TIMESTAMP entry; INT before FLOAT, which matches both.
      addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO", 10);
      addImplicitResolver(Tag.INT, INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
      addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
      addImplicitResolver(Tag.NULL, EMPTY, null, 10);
    }
  }

  private static InvalidConfigException invalid(String message) {
    return new InvalidConfigException(List.of(new Problem("", message)));
  }
}
