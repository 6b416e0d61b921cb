package io.archway.core.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON form of a config, split into the part the cluster shares (listeners, pools, certificates)
 * and the part that belongs to one node (admin, node, cluster, accessLog).
 */
public final class ConfigDocument {

  /** Top-level keys whose values every node of a cluster shares. */
  public static final List<String> SHARED_KEYS = List.of("listeners", "pools", "certificates");

  private static final Set<String> FILE_KEYS = Set.of("cert", "key", "ca", "pkcs12");
  /** What {@link #redacted} shows in place of a secret; written back, it keeps the secret. */
  public static final String REDACTED = "***";

  private ConfigDocument() {}

  /**
   * The shared part of a file's document, with its file paths (certificates, error pages) made absolute
   * against {@code baseDir}.
   */
  public static JsonObject shared(JsonObject document, Path baseDir) {
    JsonObject shared = new JsonObject();
    for (String key : SHARED_KEYS) {
      Object v = document.getValue(key);
      shared.put(key, v == null ? new JsonArray() : v instanceof JsonArray a ? a.copy() : v);
    }
    // Absolute, so that every node reads the same file whatever folder its own config file is in.
    for (JsonObject cert : entries(shared, "certificates")) {
      for (String key : FILE_KEYS) absolute(cert, key, baseDir);
    }
    for (JsonObject listener : entries(shared, "listeners")) {
      if (listener.getValue("errorPages") instanceof JsonObject pages) {
        pages.fieldNames().forEach(status -> absolute(pages, status, baseDir));
      }
    }
    return shared;
  }

  private static List<JsonObject> entries(JsonObject document, String key) {
    if (!(document.getValue(key) instanceof JsonArray list)) return List.of();
    return list.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList();
  }

  private static void absolute(JsonObject entry, String key, Path baseDir) {
    if (entry.getValue(key) instanceof String p) {
      entry.put(key, baseDir.resolve(p).toAbsolutePath().normalize().toString());
    }
  }

  /** This node's own part of a document with the cluster's shared part in place of the file's. */
  public static JsonObject merge(JsonObject local, JsonObject shared) {
    JsonObject merged = local.copy();
    SHARED_KEYS.forEach(merged::remove);
    for (String key : SHARED_KEYS) {
      if (shared.containsKey(key)) merged.put(key, shared.getValue(key));
    }
    return merged;
  }

  /**
   * Puts back the secrets a written document gives as {@code ***}, as {@link #redacted} showed them: a
   * certificate's password becomes the password of the certificate of that name in {@code current}, so
   * that a document read from the API can be changed and written back. Returns a problem for each
   * {@code ***} with no such password to keep.
   */
  public static List<Problem> keepSecrets(JsonObject written, JsonObject current) {
    List<Problem> problems = new ArrayList<>();
    if (!(written.getValue("certificates") instanceof JsonArray certs)) return problems;
    for (int i = 0; i < certs.size(); i++) {
      if (!(certs.getValue(i) instanceof JsonObject cert) || !REDACTED.equals(cert.getValue("password"))) continue;
      Object name = cert.getValue("name");
      Optional<String> kept = entries(current, "certificates").stream()
          .filter(c -> name != null && name.equals(c.getValue("name")))
          .map(c -> c.getValue("password")).filter(String.class::isInstance).map(String.class::cast)
          .findFirst();
      if (kept.isPresent()) {
        cert.put("password", kept.get());
      } else {
        problems.add(new Problem("certificates[" + i + "].password", "'" + REDACTED + "' stands for the password "
            + "the cluster's config already has for certificate '" + name + "', and it has none; send the password"));
      }
    }
    return problems;
  }

  /** A copy safe to show: passwords and tokens replaced by {@code ***}. */
  public static JsonObject redacted(JsonObject document) {
    JsonObject copy = document.copy();
    if (copy.getValue("certificates") instanceof JsonArray certs) {
      for (Object c : certs) {
        if (c instanceof JsonObject cert && cert.containsKey("password")) cert.put("password", REDACTED);
      }
    }
    if (copy.getValue("admin") instanceof JsonObject admin && admin.containsKey("token")) {
      admin.put("token", REDACTED);
    }
    return copy;
  }
}
