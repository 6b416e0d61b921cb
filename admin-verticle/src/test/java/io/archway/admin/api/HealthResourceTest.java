package io.archway.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthResourceTest {

  @Test
  void poolsAndTargetsComeSortedWhateverOrderTheNodesReportIn() {
    JsonObject answer = HealthResource.byPool(Map.of(
        "node-b", new JsonObject().put("redis", new JsonObject().put("b:1", "healthy").put("a:1", "healthy")),
        "node-a", new JsonObject().put("cache", new JsonObject()).put("redis", new JsonObject().put("b:1", "unhealthy"))),
        new JsonObject());

    assertThat(answer.encode()).isEqualTo("{\"pools\":{\"cache\":{},\"redis\":{\"a:1\":{\"node-b\":\"healthy\"},"
        + "\"b:1\":{\"node-a\":\"unhealthy\",\"node-b\":\"healthy\"}}},\"nodes\":[\"node-a\",\"node-b\"]}");
  }

  @Test
  void aDisabledTargetShowsAsDisabledOnEveryNode() {
    JsonObject config = new JsonObject().put("pools", new JsonArray().add(new JsonObject().put("name", "redis")
        .put("targets", new JsonArray()
            .add(new JsonObject().put("address", "10.0.0.5:6379"))
            .add(new JsonObject().put("address", "10.0.0.6:6379").put("state", "disabled")))));
    JsonObject answer = HealthResource.byPool(Map.of(
        "node-a", new JsonObject().put("redis", new JsonObject().put("10.0.0.5:6379", "healthy")),
        "node-b", new JsonObject().put("redis", new JsonObject().put("10.0.0.5:6379", "unhealthy"))), config);

    assertThat(answer.getJsonObject("pools").getJsonObject("redis")).isEqualTo(new JsonObject()
        .put("10.0.0.5:6379", new JsonObject().put("node-a", "healthy").put("node-b", "unhealthy"))
        .put("10.0.0.6:6379", new JsonObject().put("node-a", "disabled").put("node-b", "disabled")));
  }
}
