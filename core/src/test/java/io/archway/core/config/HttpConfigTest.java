package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP keys of listeners (routes, forwarded headers, HTTP/2, error pages) and pools. */
class HttpConfigTest {

  @TempDir Path dir;

  private static JsonObject httpListener(JsonArray routes) {
    return new JsonObject().put("name", "web").put("protocol", "http").put("host", "127.0.0.1").put("port", 8080)
        .put("routes", routes);
  }

  private static JsonObject httpPool(String name) {
    return new JsonObject().put("name", name).put("protocol", "http")
        .put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:9000")));
  }

  private static JsonObject config(JsonObject listener, JsonObject... pools) {
    JsonArray list = new JsonArray();
    for (JsonObject p : pools) list.add(p);
    return new JsonObject().put("listeners", new JsonArray().add(listener)).put("pools", list);
  }

  private List<String> problems(JsonObject json) {
    return ConfigParser.problems(json, dir).stream().map(Problem::toString).toList();
  }

  @Test
  void routesAndPoolKeysGetTheirDocumentedDefaults() {
    GatewayConfig c = ConfigParser.parse(config(httpListener(new JsonArray()
        .add(new JsonObject().put("pool", "app").put("pathPrefix", "/api/"))
        .add(new JsonObject().put("redirect", new JsonObject().put("to", "https://{host}{path}{query}")))),
        httpPool("app")), dir);
    ListenerHttpConfig http = c.listeners().get(0).http();
    RouteConfig route = http.routes().get(0);
    assertThat(route.pathPrefix()).contains("/api");
    assertThat(route.priority()).isEqualTo(100);
    assertThat(route.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(route.retries()).isEqualTo(-1);
    assertThat(route.hosts()).isEmpty();
    assertThat(http.routes().get(1).redirect().orElseThrow().status()).isEqualTo(302);
    assertThat(http.forwarded()).isEqualTo(ForwardedHeaders.all());
    assertThat(http.http2()).isFalse();
    PoolHttpConfig pool = c.pool("app").orElseThrow().http();
    assertThat(pool.version()).isEqualTo(1);
    assertThat(pool.maxConnections()).isEqualTo(64);
    assertThat(pool.affinity()).isEqualTo(Affinity.NONE);
  }

  @Test
  void everyHttpProblemNamesItsPath() throws Exception {
    JsonArray routes = new JsonArray()
        .add(new JsonObject().put("hosts", new JsonArray().add("bad host").add("*.ok.example.com"))
            .put("path", "nope").put("pathPrefix", "/x").put("pool", "app"))
        .add(new JsonObject().put("pool", "app").put("redirect", new JsonObject().put("to", "/x")))
        .add(new JsonObject().put("redirect", new JsonObject().put("to", "https://{hostname}/").put("status", 303)))
        .add(new JsonObject().put("pool", "missing").put("stripPrefix", true))
        .add(new JsonObject().put("pool", "tcp"))
        .add(new JsonObject().put("pool", "app").put("requestHeaders", new JsonObject()
            .put("set", new JsonObject().put("content-length", "1").put("bad name", "x").put("x-ok", "a\nb"))
            .put("colour", "red")))
        .add(new JsonObject().put("redirect", new JsonObject().put("to", "/y")).put("timeout", "5s"));
    JsonObject listener = httpListener(routes)
        .put("forwarded", new JsonObject().put("xForwardedFor", "maybe")).put("halfCloseTimeout", "5s")
        .put("errorPages", new JsonObject().put("404", "missing.html").put("500", "x.html"));
    JsonObject tcpPool = new JsonObject().put("name", "tcp")
        .put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:9001")))
        .put("maxConnections", 5);
    JsonObject app = httpPool("app").put("version", 3).put("affinity", "ip").put("affinityCookie", "x");

    assertThat(problems(config(listener, app, tcpPool))).containsExactlyInAnyOrder(
        "listeners[0].routes[0].hosts[0]: 'bad host' is not a host name (such as app.example.com or *.example.com; no port)",
        "listeners[0].routes[0].path: 'nope' does not start with /",
        "listeners[0].routes[0].path: give path or pathPrefix, not both",
        "listeners[0].routes[1].redirect: a route needs exactly one of pool and redirect",
        "listeners[0].routes[2].redirect.status: 303 is not one of 301, 302, 307, 308",
        "listeners[0].routes[2].redirect.to: '{hostname}' is not a placeholder (known: {host}, {path}, {query})",
        "listeners[0].routes[3].stripPrefix: needs a pathPrefix to strip",
        "listeners[0].routes[3].pool: no pool named 'missing' (pools: [app, tcp])",
        "listeners[0].routes[4].pool: pool 'tcp' speaks tcp; an http listener forwards to pools of protocol http or https",
        "listeners[0].routes[5].requestHeaders.set.content-length: 'content-length' is managed by the gateway and cannot be changed by a rule",
        "listeners[0].routes[5].requestHeaders.set.bad name: 'bad name' is not a header name",
        "listeners[0].routes[5].requestHeaders.set.x-ok: the value contains a control character",
        "listeners[0].routes[5].requestHeaders.colour: unknown key (known here: set, add, remove)",
        "listeners[0].routes[6].timeout: does not apply to a redirect route",
        "listeners[0].forwarded.xForwardedFor: expected true or false, found 'maybe'",
        "listeners[0].halfCloseTimeout: does not apply to an http or https listener",
        "listeners[0].errorPages.404: file " + dir.resolve("missing.html") + " does not exist",
        "listeners[0].errorPages.500: unknown key (known here: 404, 502, 503, 504)",
        "pools[0].version: 3 is not an HTTP version (1-2)",
        "pools[0].affinity: 'ip' is not one of none, cookie",
        "pools[0].affinityCookie: only applies with affinity: cookie",
        "pools[1].maxConnections: only applies to a pool whose protocol is http or https (this one is tcp)");
  }

  @Test
  void httpKeysOnOtherProtocolsAndPoolsOfTheWrongKindAreRejected() {
    JsonObject tcpListener = new JsonObject().put("name", "t").put("protocol", "tcp").put("host", "127.0.0.1")
        .put("port", 7000).put("pool", "app").put("routes", new JsonArray()).put("http2", true);
    assertThat(problems(config(tcpListener, httpPool("app")))).containsExactlyInAnyOrder(
        "listeners[0].routes: only applies to a listener whose protocol is http or https (this one is tcp)",
        "listeners[0].http2: only applies to a listener whose protocol is http or https (this one is tcp)",
        "listeners[0].pool: pool 'app' speaks http; a tcp listener relays to pools of protocol tcp or tls");

    // A passthrough listener's client TLS goes through unchanged: a re-encrypting pool would wrap it again.
    JsonObject passthrough = new JsonObject().put("name", "e").put("protocol", "tls-passthrough")
        .put("host", "127.0.0.1").put("port", 7001).put("pool", "reenc")
        .put("sni", new JsonArray().add(new JsonObject().put("hosts", new JsonArray().add("a.example.com")).put("pool", "reenc")));
    JsonObject tlsPool = new JsonObject().put("name", "reenc").put("protocol", "tls")
        .put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:7443")));
    assertThat(problems(config(passthrough, tlsPool))).containsExactlyInAnyOrder(
        "listeners[0].pool: pool 'reenc' re-encrypts (protocol tls); a tls-passthrough listener forwards the "
            + "client's TLS bytes unchanged, to pools of protocol tcp",
        "listeners[0].sni[0].pool: pool 'reenc' re-encrypts (protocol tls); a tls-passthrough listener forwards the "
            + "client's TLS bytes unchanged, to pools of protocol tcp");

    JsonObject bare = httpListener(new JsonArray()).copy();
    bare.remove("routes");
    assertThat(problems(config(bare, httpPool("app")))).containsExactly(
        "listeners[0].routes: an http listener needs routes, a pool for every request, or both");
  }

  @Test
  void errorPagesResolveAgainstTheConfigFolder() throws Exception {
    Files.writeString(dir.resolve("503.html"), "<p>busy</p>");
    JsonObject listener = httpListener(new JsonArray()).put("pool", "app")
        .put("errorPages", new JsonObject().put("503", "503.html"));
    GatewayConfig c = ConfigParser.parse(config(listener, httpPool("app")), dir);
    assertThat(c.listeners().get(0).http().errorPages()).containsEntry(503, dir.resolve("503.html").toString());
  }
}
