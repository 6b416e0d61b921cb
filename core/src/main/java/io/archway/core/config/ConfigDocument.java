package io.archway.core.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of a config, split into the part the cluster shares (listeners, pools, certificates)
 * and the part that belongs to one node (admin, node, cluster, accessLog).
 */
public final class ConfigDocument {

  /** Top-level keys whose values every node of a cluster shares. */
  public static final List<String> SHARED_KEYS = List.of("listeners", "pools", "certificates");

  private static final Set<String> FILE_KEYS = Set.of("cert", "key", "ca", "pkcs12");
  private static final String REDACTED = "***";

  private ConfigDocument() {}

  /** The shared part of a file's document, with certificate paths made absolute against {@code baseDir}. */
  public static JsonObject shared(JsonObject document, Path baseDir) {
    JsonObject shared = new JsonObject();
    for (String key : SHARED_KEYS) {
      Object v = document.getValue(key);
      shared.put(key, v == null ? new JsonArray() : v instanceof JsonArray a ? a.copy() : v);
    }
    if (shared.getValue("certificates") instanceof JsonArray certs) {
      for (Object c : certs) {
        if (c instanceof JsonObject cert) {
          for (String key : FILE_KEYS) {
            if (cert.getValue(key) instanceof String p) {
              cert.put(key, baseDir.resolve(p).toAbsolutePath().normalize().toString());
            }
          }
        }
      }
    }
    return shared;
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
