package io.archway.core.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a config file (YAML, or JSON by its {@code .json} extension) through Vert.x Config, in the
 * gateway's own format ({@link ConfigFileFormat}), and replaces {@code ${VAR}} and {@code ${VAR:-default}}
 * in its strings from the environment.
 */
public final class ConfigLoader {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private ConfigLoader() {}

  /** Completes with the file's JSON after substitution, or fails with {@link InvalidConfigException}. */
  public static Future<JsonObject> load(Vertx vertx, Path file, Map<String, String> env) {
    Path absolute = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(absolute)) {
      return Future.failedFuture(new InvalidConfigException(List.of(new Problem("", Files.isDirectory(absolute)
          ? absolute + " is a folder; name the config file in it, such as " + absolute.resolve("gateway.yaml")
          : "config file " + absolute + " does not exist"))));
    }
    ConfigStoreOptions store = new ConfigStoreOptions()
        .setType("file")
        .setFormat(ConfigFileFormat.NAME)
        .setConfig(new JsonObject().put("path", absolute.toString()));
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
        new ConfigRetrieverOptions().setScanPeriod(-1).setIncludeDefaultStores(false).addStore(store));
    return retriever.getConfig()
        .recover(e -> {
          InvalidConfigException invalid = invalidConfig(e);
          return Future.failedFuture(invalid != null ? invalid : new InvalidConfigException(
              List.of(new Problem("", "cannot read " + absolute + ": " + rootMessage(e)))));
        })
        .map(json -> substitute(json, env))
        .eventually(retriever::close);
  }

  /** Replaces environment variables in every string of the document; an unset variable is a problem. */
  public static JsonObject substitute(JsonObject json, Map<String, String> env) {
    List<Problem> problems = new ArrayList<>();
    JsonObject out = (JsonObject) walk(json, "", env, problems);
    if (!problems.isEmpty()) throw new InvalidConfigException(problems);
    return out;
  }

  private static Object walk(Object value, String path, Map<String, String> env, List<Problem> problems) {
    if (value instanceof JsonObject o) {
      JsonObject copy = new JsonObject();
      for (String key : o.fieldNames()) {
        copy.put(key, walk(o.getValue(key), path.isEmpty() ? key : path + "." + key, env, problems));
      }
      return copy;
    }
    if (value instanceof JsonArray a) {
      JsonArray copy = new JsonArray();
      for (int i = 0; i < a.size(); i++) copy.add(walk(a.getValue(i), path + "[" + i + "]", env, problems));
      return copy;
    }
    if (value instanceof String s && s.contains("${")) {
      Matcher m = VARIABLE.matcher(s);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String v = env.get(m.group(1));
        if (v == null) v = m.group(3);
        if (v == null) {
          problems.add(new Problem(path, "environment variable " + m.group(1)
              + " is not set (set it, or write ${" + m.group(1) + ":-default})"));
          v = "";
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(v));
      }
      m.appendTail(sb);
      return sb.toString();
    }
    return value;
  }

  /** The problems the file's text has ({@link ConfigFileFormat}), however Vert.x Config wrapped them. */
  private static InvalidConfigException invalidConfig(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InvalidConfigException invalid) return invalid;
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
