package io.archway.proxy.http;

import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Requests take the first matching route by priority: host (exact, wildcard), path, then redirects and 404. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpRoutingTest {

  private final int port = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  private final HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
  private HttpBackend app;
  private HttpBackend api;
  private HttpBackend other;
  private Gateway gateway;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    app = HttpBackend.start("app");
    api = HttpBackend.start("api");
    other = HttpBackend.start("other");
    gateway = Gateway.start();
    gateway.healthy("app", app.address());
    gateway.healthy("api", api.address());
    gateway.healthy("other", other.address());
  }

  @AfterEach
  void stop() throws Exception {
    await(clientVertx.close());
    gateway.close();
    app.close();
    api.close();
    other.close();
  }

  static JsonObject httpPool(String name, String... targets) {
    JsonArray list = new JsonArray();
    for (String t : targets) list.add(new JsonObject().put("address", t));
    return new JsonObject().put("name", name).put("protocol", "http").put("connectTimeout", "2s").put("targets", list);
  }

  static JsonObject httpListener(String name, int port, JsonArray routes) {
    return new JsonObject().put("name", name).put("protocol", "http").put("host", "127.0.0.1").put("port", port)
        .put("routes", routes);
  }

  /**
   * The same config with its listeners on Vert.x's HTTP server instead of the Netty-level path: a route
   * to an HTTP/2 pool makes it so (one no request matches), and HTTP/1.1 clients are answered as before
   * (the test classes that run on both paths use it).
   */
  static JsonObject onVertxPath(JsonObject config) {
    config.getJsonArray("pools").add(httpPool("vertx-path", "127.0.0.1:9").put("version", 2));
    for (Object listener : config.getJsonArray("listeners")) {
      ((JsonObject) listener).getJsonArray("routes")
          .add(route("vertx-path").put("hosts", new JsonArray().add("vertx-path.invalid")));
    }
    return config;
  }

  static JsonObject route(String pool) {
    return new JsonObject().put("pool", pool);
  }

  private JsonObject config(JsonObject listener) {
    return new JsonObject().put("listeners", new JsonArray().add(listener))
        .put("pools", new JsonArray().add(httpPool("app", app.address())).add(httpPool("api", api.address()))
            .add(httpPool("other", other.address())));
  }

  /** A response with its body read. */
  record Answer(HttpClientResponse response, String body) {
    int statusCode() {
      return response.statusCode();
    }

    String getHeader(String name) {
      return response.getHeader(name);
    }
  }

  private Answer get(String host, String uri) throws Exception {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(uri)
        .setMethod(HttpMethod.GET).putHeader("host", host);
    // body() chained on send() itself: one step later, a short body may have ended before it is asked for.
    return await(client.request(options).compose(req -> req.send()
        .compose(resp -> resp.body().map(b -> new Answer(resp, b.toString())))));
  }

  /** The answering backend's name, or the status when the gateway answered itself. */
  private String who(String host, String uri) throws Exception {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(uri).putHeader("host", host);
    return await(client.request(options).compose(req -> req.send().compose(resp -> resp.body().map(body -> {
      String backend = resp.getHeader("x-backend");
      return backend != null ? backend : Integer.toString(resp.statusCode());
    }))));
  }

  @Test
  void hostsPathsAndPrioritiesPickTheRoute() throws Exception {
    JsonArray routes = new JsonArray()
        .add(route("api").put("hosts", new JsonArray().add("app.example.com")).put("pathPrefix", "/api/"))
        .add(route("app").put("hosts", new JsonArray().add("app.example.com").add("*.apps.example.com")))
        .add(route("other").put("path", "/exact"))
        // Written last but tried first: lower priority numbers win.
        .add(route("other").put("hosts", new JsonArray().add("APP.example.com")).put("pathPrefix", "/admin")
            .put("priority", 1));
    gateway.apply(config(httpListener("web", port, routes)));

    assertThat(who("app.example.com", "/api/users")).isEqualTo("api");
    assertThat(who("app.example.com:" + port, "/api")).isEqualTo("api");
    assertThat(who("app.example.com", "/apix")).isEqualTo("app");
    assertThat(who("App.Example.Com", "/")).isEqualTo("app");
    assertThat(who("x.apps.example.com", "/")).isEqualTo("app");
    assertThat(who("a.b.apps.example.com", "/")).isEqualTo("app");
    assertThat(who("apps.example.com", "/exact")).isEqualTo("other");
    assertThat(who("apps.example.com", "/exact/no")).isEqualTo("404");
    assertThat(who("app.example.com", "/admin/x")).isEqualTo("other");
    assertThat(who("app.example.com", "/administrator")).isEqualTo("app");
  }

  @Test
  void noRouteAnswers404WithAShortBodyOrTheListenersPage() throws Exception {
    JsonArray routes = new JsonArray().add(route("app").put("hosts", new JsonArray().add("app.example.com")));
    gateway.apply(config(httpListener("web", port, routes)));
    Answer resp = get("nope.example.com", "/x");
    assertThat(resp.statusCode()).isEqualTo(404);
    assertThat(resp.body()).isEqualTo("no route for this request\n");

    Path page = Files.writeString(dir.resolve("404.html"), "<h1>not here</h1>");
    gateway.apply(config(httpListener("web", port, routes)
        .put("errorPages", new JsonObject().put("404", page.toString()))));
    resp = get("nope.example.com", "/x");
    assertThat(resp.statusCode()).isEqualTo(404);
    assertThat(resp.getHeader("content-type")).startsWith("text/html");
    assertThat(resp.body()).as("headers %s", resp.response().headers()).isEqualTo("<h1>not here</h1>");
    gateway.awaitAccessLine(l -> "no_route".equals(l.getString("termination")) && l.getInteger("status") == 404
        && "/x".equals(l.getString("path")) && "GET".equals(l.getString("method")));
  }

  @Test
  void listenerPoolTakesWhatNoRouteTakes() throws Exception {
    JsonArray routes = new JsonArray().add(route("api").put("pathPrefix", "/api"));
    gateway.apply(config(httpListener("web", port, routes).put("pool", "app")));
    assertThat(who("any", "/api/x")).isEqualTo("api");
    assertThat(who("any", "/else")).isEqualTo("app");
  }

  @Test
  void redirectsFillInHostPathAndQuery() throws Exception {
    JsonArray routes = new JsonArray()
        .add(new JsonObject().put("hosts", new JsonArray().add("old.example.com"))
            .put("redirect", new JsonObject().put("to", "https://new.example.com{path}{query}").put("status", 301)))
        .add(new JsonObject().put("redirect", new JsonObject().put("to", "https://{host}:8443{path}{query}")));
    gateway.apply(config(httpListener("web", port, routes)));

    Answer moved = get("old.example.com", "/a/b?x=1&y=2");
    assertThat(moved.statusCode()).isEqualTo(301);
    assertThat(moved.getHeader("location")).isEqualTo("https://new.example.com/a/b?x=1&y=2");
    Answer found = get("shop.example.com:" + port, "/cart");
    assertThat(found.statusCode()).isEqualTo(302);
    assertThat(found.getHeader("location")).isEqualTo("https://shop.example.com:8443/cart");
    assertThat(app.seen()).isEmpty();
  }
}
