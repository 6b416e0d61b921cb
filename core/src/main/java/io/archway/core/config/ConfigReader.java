package io.archway.core.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one JSON object of a config, recording a {@link Problem} with the full path for every value of
 * the wrong kind, and, at {@link #finish()}, for every key nobody asked for.
 */
final class ConfigReader {

  private final JsonObject json;
  private final String path;
  private final List<Problem> problems;
  private final Set<String> known = new LinkedHashSet<>();

  ConfigReader(JsonObject json, String path, List<Problem> problems) {
    this.json = json;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  /** The keys of this object, in the order written. */
  List<String> fieldNames() {
    return new ArrayList<>(json.fieldNames());
  }

  String at(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  void problem(String key, String message) {
    problems.add(new Problem(key == null ? path : at(key), message));
  }

  boolean has(String key) {
    known.add(key);
    return json.getValue(key) != null;
  }

  Optional<String> string(String key) {
    known.add(key);
    Object v = json.getValue(key);
    if (v == null) return Optional.empty();
    if (v instanceof String s) return Optional.of(s);
    if (v instanceof Number || v instanceof Boolean) return Optional.of(v.toString());
    problem(key, "expected a string, found " + kind(v));
    return Optional.empty();
  }

  String string(String key, String fallback) {
    return string(key).orElse(fallback);
  }

  /** A required string; records a problem naming the key when it is missing. */
  Optional<String> required(String key) {
    Optional<String> v = string(key);
    if (v.isEmpty() && json.getValue(key) == null) problem(key, "is required");
    return v;
  }

  Optional<Integer> integer(String key, int min, int max, String unit) {
    known.add(key);
    Object v = json.getValue(key);
    if (v == null) return Optional.empty();
    long n;
    if (v instanceof Integer || v instanceof Long) {
      n = ((Number) v).longValue();
    } else if (v instanceof String s && s.trim().matches("-?\\d{1,10}")) {
      n = Long.parseLong(s.trim());
    } else {
      problem(key, "expected a whole number, found " + kind(v));
      return Optional.empty();
    }
    if (n < min || n > max) {
      problem(key, n + " is not " + unit + " (" + min + "-" + max + ")");
      return Optional.empty();
    }
    return Optional.of((int) n);
  }

  int integer(String key, int min, int max, String unit, int fallback) {
    return integer(key, min, max, unit).orElse(fallback);
  }

  boolean bool(String key, boolean fallback) {
    known.add(key);
    Object v = json.getValue(key);
    if (v == null) return fallback;
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equals("true") || s.equals("false"))) return Boolean.parseBoolean(s);
    problem(key, "expected true or false, found " + kind(v));
    return fallback;
  }

  Duration duration(String key, Duration fallback, Duration min, Duration max) {
    Optional<String> text = string(key);
    if (text.isEmpty()) return fallback;
    try {
      Duration d = Durations.parse(text.get());
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        problem(key, text.get() + " is out of range (" + Durations.format(min) + " to " + Durations.format(max) + ")");
        return fallback;
      }
      return d;
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
      return fallback;
    }
  }

  /** A keyword from an enum; unknown spellings and keywords this version does not implement are problems. */
  <E extends Enum<E> & Keyword> E keyword(String key, Class<E> type, E fallback) {
    Optional<String> text = string(key);
    if (text.isEmpty()) return fallback;
    for (E e : type.getEnumConstants()) {
      if (e.keyword().equals(text.get())) {
        if (!e.supported()) {
          problem(key, text.get() + " is not supported yet (supported: " + spellings(type, true) + ")");
        }
        return e;
      }
    }
    problem(key, "'" + text.get() + "' is not one of " + spellings(type, false));
    return fallback;
  }

  Optional<ConfigReader> object(String key) {
    known.add(key);
    Object v = json.getValue(key);
    if (v == null) return Optional.empty();
    if (v instanceof JsonObject o) return Optional.of(new ConfigReader(o, at(key), problems));
    problem(key, "expected an object, found " + kind(v));
    return Optional.empty();
  }

  /** The objects of a list, each read at {@code key[i]}. */
  List<ConfigReader> objects(String key) {
    List<ConfigReader> out = new ArrayList<>();
    JsonArray array = array(key);
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      String itemPath = at(key) + "[" + i + "]";
      if (item instanceof JsonObject o) {
        out.add(new ConfigReader(o, itemPath, problems));
      } else {
        problems.add(new Problem(itemPath, "expected an object, found " + kind(item)));
      }
    }
    return out;
  }

  List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    JsonArray array = array(key);
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (item instanceof String s) {
        out.add(s);
      } else {
        problems.add(new Problem(at(key) + "[" + i + "]", "expected a string, found " + kind(item)));
      }
    }
    return out;
  }

  /** The items of a list as they are (strings, numbers, ...); a single value counts as a list of one. */
  List<Object> values(String key) {
    known.add(key);
    Object v = json.getValue(key);
    if (v == null) return List.of();
    if (v instanceof JsonArray a) return a.getList();
    if (v instanceof JsonObject) {
      problem(key, "expected a list, found an object");
      return List.of();
    }
    return List.of(v);
  }

  boolean isList(String key) {
    return json.getValue(key) instanceof JsonArray;
  }

  private JsonArray array(String key) {
    known.add(key);
    Object v = json.getValue(key);
    if (v == null) return new JsonArray();
    if (v instanceof JsonArray a) return a;
    if (v instanceof String s && key.equals("members")) {
      return new JsonArray(Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
    }
    problem(key, "expected a list, found " + kind(v));
    return new JsonArray();
  }

  /** Records a problem for every key of this object that no reader asked for. */
  void finish() {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        problem(key, "unknown key (known here: " + String.join(", ", known) + ")");
      }
    }
  }

  private static String kind(Object v) {
    if (v == null) return "nothing";
    if (v instanceof JsonObject) return "an object";
    if (v instanceof JsonArray) return "a list";
    if (v instanceof String s) return "'" + s + "'";
    return v.toString();
  }

  private static <E extends Enum<E> & Keyword> String spellings(Class<E> type, boolean onlySupported) {
    return Arrays.stream(type.getEnumConstants())
        .filter(e -> !onlySupported || e.supported())
        .map(Keyword::keyword)
        .collect(Collectors.joining(", "));
  }
}
