package io.archway.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthResourceTest {

  @Test
  void poolsAndTargetsComeSortedWhateverOrderTheNodesReportIn() {
    JsonObject answer = HealthResource.byPool(Map.of(
        "node-b", new JsonObject().put("redis", new JsonObject().put("b:1", "healthy").put("a:1", "healthy")),
        "node-a", new JsonObject().put("cache", new JsonObject()).put("redis", new JsonObject().put("b:1", "unhealthy"))));

    assertThat(answer.encode()).isEqualTo("{\"pools\":{\"cache\":{},\"redis\":{\"a:1\":{\"node-b\":\"healthy\"},"
        + "\"b:1\":{\"node-a\":\"unhealthy\",\"node-b\":\"healthy\"}}},\"nodes\":[\"node-a\",\"node-b\"]}");
  }
}
