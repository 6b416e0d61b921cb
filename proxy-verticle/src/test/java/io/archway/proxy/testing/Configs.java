package io.archway.proxy.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Config JSON for tests, in the contract's keys; tests add what they need with {@code put}. */
public final class Configs {

  private Configs() {}

  public static JsonObject listener(String name, int port, String pool) {
    return new JsonObject().put("name", name).put("protocol", "tcp").put("host", "127.0.0.1")
        .put("port", port).put("pool", pool);
  }

  public static JsonObject pool(String name, String... targets) {
    JsonArray list = new JsonArray();
    for (String t : targets) list.add(new JsonObject().put("address", t));
    return new JsonObject().put("name", name).put("connectTimeout", "2s").put("targets", list);
  }

  public static JsonObject config(JsonObject listener, JsonObject pool) {
    return new JsonObject().put("listeners", new JsonArray().add(listener)).put("pools", new JsonArray().add(pool));
  }

  public static JsonObject config(JsonArray listeners, JsonArray pools) {
    return new JsonObject().put("listeners", listeners).put("pools", pools);
  }
}
