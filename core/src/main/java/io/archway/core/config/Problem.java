package io.archway.core.config;

import io.vertx.core.json.JsonObject;

/** One thing wrong with a config, at a path such as {@code listeners[1].port}. */
public record Problem(String path, String message) {

  public JsonObject toJson() {
    return new JsonObject().put("path", path).put("message", message);
  }

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
