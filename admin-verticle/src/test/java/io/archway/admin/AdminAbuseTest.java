package io.archway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.admin.http.Rejections;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every admin write endpoint fed garbage, truncated, oversized and hostile bodies: each is a 400 or 413
 * with a JSON error (never a 500), counted in {@code archway_admin_rejected_total}, and changes nothing;
 * the admin keeps answering and a good write still works afterwards.
 */
class AdminAbuseTest {

  private static final String VALID = """
      listeners:
        - {name: l, host: 127.0.0.1, port: 6380, pool: p}
      pools:
        - name: p
          targets: [{address: "127.0.0.1:6379"}]
      """;

  private RunningAdmin admin;

  @BeforeEach
  void start() {
    admin = RunningAdmin.start(Optional.empty());
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  private static Map<String, String> badBodies() {
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("empty", "");
    bodies.put("garbage", "\u0000\u0001\u00ff\u00fe binary \u0007 garbage");
    bodies.put("truncated JSON", "{\"listeners\": [{\"name\": \"l\", \"port\": 63");
    bodies.put("JSON array", "[1, 2, 3]");
    bodies.put("JSON string", "\"just text\"");
    bodies.put("deeply nested JSON", "{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}");
    bodies.put("deeply nested YAML", "a: " + "[".repeat(5_000) + "]".repeat(5_000));
    bodies.put("YAML alias bomb", """
        a: &a [x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
        """);
    bodies.put("YAML alias cycle", "c: &c [*c]");
    bodies.put("YAML with a number key", "37: x");
    bodies.put("YAML custom tag", "listeners: !!java.io.File [/etc/passwd]");
    bodies.put("oversized", "pools: []\n#" + "x".repeat(5 * 1024 * 1024));
    return bodies;
  }

  @Test
  void everyWriteEndpointRejectsBadBodiesCleanlyAndChangesNothing() {
    assertThat(admin.sendBody("PUT", "/api/config", VALID).statusCode()).isEqualTo(200);
    long version = admin.store.current().await().version();
    List<String> endpoints = List.of("/api/config", "/api/listeners/l", "/api/pools/p", "/api/certificates/c");
    List<String> failures = new ArrayList<>();
    int rejected = 0;
    for (String endpoint : endpoints) {
      for (Map.Entry<String, String> body : badBodies().entrySet()) {
        HttpResponse<String> response = admin.sendBody("PUT", endpoint, body.getValue());
        int status = response.statusCode();
        boolean expected = body.getKey().equals("oversized") ? status == 413 : status == 400;
        if (!expected || !response.body().startsWith("{")) {
          failures.add(endpoint + " with " + body.getKey() + ": " + status + " " + abbreviate(response.body()));
        }
        rejected++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(admin.store.current().await().version()).as("nothing was written").isEqualTo(version);
    assertThat(rejectedCount("invalid") + rejectedCount("too_large") + rejectedCount("bad_request"))
        .isEqualTo(rejected);

    // Odd paths and headers on the other writes: answered, counted, nothing changed.
    assertThat(admin.sendBody("POST", "/api/pools/p/targets/not-an-address/drain", null).statusCode()).isIn(400, 404);
    assertThat(admin.sendBody("POST", "/api/pools/nope/targets/127.0.0.1:1/drain", null).statusCode()).isEqualTo(404);
    assertThat(admin.sendBody("DELETE", "/api/listeners/nope", null).statusCode()).isEqualTo(404);
    assertThat(admin.sendBody("PUT", "/api/config", VALID, "If-Match", "\"not a version\"").statusCode()).isEqualTo(400);
    assertThat(admin.sendBody("PUT", "/api/config", VALID, "If-Match", "\"999\"").statusCode()).isEqualTo(412);
    assertThat(admin.store.current().await().version()).isEqualTo(version);
    assertThat(rejectedCount("not_found")).isGreaterThanOrEqualTo(2);
    assertThat(rejectedCount("stale")).isEqualTo(1);

    assertThat(admin.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(admin.sendBody("PUT", "/api/config", VALID).statusCode()).isEqualTo(200);
    assertThat(admin.store.current().await().version()).isEqualTo(version + 1);
  }

  private double rejectedCount(String reason) {
    Counter c = admin.node.metrics().registry().find(Rejections.METRIC).tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
