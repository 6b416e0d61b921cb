package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.config.ProbeHttpConfig.StatusRange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpProbeConfigTest {

  @TempDir Path dir;

  private static JsonObject withProbe(JsonObject probe) {
    return new JsonObject().put("pools", new JsonArray().add(new JsonObject().put("name", "web")
        .put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:8080")))
        .put("probe", probe)));
  }

  private ProbeConfig parse(JsonObject probe) {
    return ConfigParser.parse(withProbe(probe), dir).pools().get(0).probe();
  }

  private List<String> problems(JsonObject probe) {
    return ConfigParser.problems(withProbe(probe), dir).stream().map(Problem::toString).toList();
  }

  @Test
  void anHttpProbeGetsSlashAndAnyStatusFrom200To399ByDefault() {
    ProbeConfig probe = parse(new JsonObject().put("type", "http"));
    assertThat(probe.type()).isEqualTo(ProbeType.HTTP);
    assertThat(probe.http()).isEqualTo(ProbeHttpConfig.defaults());
    assertThat(probe.http().path()).isEqualTo("/");
    assertThat(probe.http().expectStatus()).containsExactly(new StatusRange(200, 399));
    assertThat(probe.http().expects(302)).isTrue();
    assertThat(probe.http().expects(404)).isFalse();
  }

  @Test
  void pathHostStatusesAndBodyAreRead() {
    ProbeConfig probe = parse(new JsonObject().put("type", "http").put("path", "/healthz?full=1")
        .put("host", "app.example.com").put("expectStatus", new JsonArray().add(200).add("204").add("300-302"))
        .put("expectBody", "\"status\":\"UP\""));
    assertThat(probe.http()).isEqualTo(new ProbeHttpConfig("/healthz?full=1", Optional.of("app.example.com"),
        List.of(new StatusRange(200, 200), new StatusRange(204, 204), new StatusRange(300, 302)),
        Optional.of("\"status\":\"UP\"")));
    assertThat(parse(new JsonObject().put("type", "http").put("expectStatus", "200-299")).http().expectStatus())
        .containsExactly(new StatusRange(200, 299));
  }

  @Test
  void badHttpKeysAreReportedWithTheirPath() {
    assertThat(problems(new JsonObject().put("type", "http").put("path", "healthz").put("host", "a b")
        .put("expectStatus", new JsonArray().add("2xx").add(700).add("399-200")).put("expectBody", "")))
        .containsExactlyInAnyOrder(
            "pools[0].probe.path: 'healthz' is not a request path (it starts with '/' and has no spaces, such as /healthz)",
            "pools[0].probe.host: 'a b' is not a host name for the Host header (such as app.example.com or app.example.com:8080)",
            "pools[0].probe.expectStatus[0]: '2xx' is not a status or a range of statuses (100-599, such as 200 or 200-299)",
            "pools[0].probe.expectStatus[1]: '700' is not a status or a range of statuses (100-599, such as 200 or 200-299)",
            "pools[0].probe.expectStatus[2]: '399-200' is not a status or a range of statuses (100-599, such as 200 or 200-299)",
            "pools[0].probe.expectBody: is empty; leave it out to accept any body");
    assertThat(problems(new JsonObject().put("type", "http").put("expectStatus", new JsonArray())))
        .containsExactly("pools[0].probe.expectStatus: name at least one status, such as 200-399");
  }

  @Test
  void httpKeysOnAnotherProbeTypeAreRefusedNamingTheType() {
    assertThat(problems(new JsonObject().put("type", "tcp").put("path", "/").put("expectStatus", 200)))
        .containsExactlyInAnyOrder(
            "pools[0].probe.path: only applies to probe type http (this one is tcp)",
            "pools[0].probe.expectStatus: only applies to probe type http (this one is tcp)");
    assertThat(problems(new JsonObject().put("host", "x").put("expectBody", "ok"))).containsExactlyInAnyOrder(
        "pools[0].probe.host: only applies to probe type http (this one is tcp)",
        "pools[0].probe.expectBody: only applies to probe type http (this one is tcp)");
    // A type that cannot be read is the one problem: the http keys are not judged against the default.
    assertThat(problems(new JsonObject().put("type", "icmp").put("path", "/x")))
        .containsExactly("pools[0].probe.type: 'icmp' is not one of tcp, tls, http");
  }
}
