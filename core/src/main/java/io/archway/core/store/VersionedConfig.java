package io.archway.core.store;

import io.vertx.core.json.JsonObject;

/** The cluster's shared config (listeners, pools, certificates as JSON) and its version, from 1 up. */
public record VersionedConfig(long version, JsonObject config) {

  public JsonObject toJson() {
    return new JsonObject().put("version", version).put("config", config);
  }

  public static VersionedConfig fromJson(String text) {
    JsonObject json = new JsonObject(text);
    return new VersionedConfig(json.getLong("version"), json.getJsonObject("config"));
  }
}
