package io.archway.core.cluster;

import io.vertx.core.json.JsonObject;

/** What a node tells the cluster about itself: where its admin API is and which config it applied. */
public record NodeInfo(String name, String adminAddress, long appliedVersion, String state, String error) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("name", name)
        .put("admin", adminAddress)
        .put("appliedVersion", appliedVersion)
        .put("state", state);
    if (error != null) json.put("error", error);
    return json;
  }

  public static NodeInfo fromJson(JsonObject json) {
    return new NodeInfo(json.getString("name"), json.getString("admin"), json.getLong("appliedVersion", 0L),
        json.getString("state"), json.getString("error"));
  }
}
