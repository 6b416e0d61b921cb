package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a forwarded request and its response carry, and what the client gets when no target answers. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpForwardingTest {

  /** The config as this class runs it: on the Netty-level path here, on Vert.x's in the subclass. */
  JsonObject path(JsonObject config) {
    return config;
  }

  private final int port = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  private final HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
  private HttpBackend app;
  private Gateway gateway;

  record Answer(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonObject seenHeaders() {
      return json().getJsonObject("headers");
    }
  }

  @BeforeEach
  void start() throws Exception {
    app = HttpBackend.start("app");
    gateway = Gateway.start();
    gateway.healthy("app", app.address());
  }

  @AfterEach
  void stop() throws Exception {
    await(clientVertx.close());
    gateway.close();
    app.close();
  }

  private void apply(JsonObject listener, JsonObject pool) throws Exception {
    gateway.apply(path(new JsonObject().put("listeners", new JsonArray().add(listener)).put("pools", new JsonArray().add(pool))));
  }

  private Answer send(HttpMethod method, String uri, MultiMap headers) throws Exception {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(uri).setMethod(method);
    if (headers != null) options.setHeaders(headers);
    return await(client.request(options).compose(req -> req.send()
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(), b.toString())))));
  }

  private Answer get(String uri) throws Exception {
    return send(HttpMethod.GET, uri, null);
  }

  /** Whether this path reports each target connection's open time ({@code archway_backend_connect_seconds}). */
  boolean timesTargetConnects() {
    return true;
  }

  @Test
  void forwardedHeadersTellTheTargetAboutTheClient() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", app.address()));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("host", "shop.example.com")
        .add("x-forwarded-for", "203.0.113.7").add("x-forwarded-proto", "https").add("forwarded", "for=203.0.113.7");
    JsonObject seen = send(HttpMethod.GET, "/a?b=c", headers).seenHeaders();

    assertThat(seen.getString("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
    assertThat(seen.getString("x-forwarded-proto")).isEqualTo("http");
    assertThat(seen.getString("x-forwarded-host")).isEqualTo("shop.example.com");
    assertThat(seen.getString("x-forwarded-port")).isEqualTo(Integer.toString(port));
    assertThat(seen.getString("forwarded"))
        .isEqualTo("for=203.0.113.7, for=127.0.0.1;host=\"shop.example.com\";proto=http");
    assertThat(seen.getString("host")).isEqualTo("shop.example.com");
  }

  @Test
  void forwardedHeadersCanEachBeSwitchedOff() throws Exception {
    JsonObject off = new JsonObject().put("xForwardedFor", false).put("xForwardedProto", false)
        .put("xForwardedHost", false).put("xForwardedPort", false).put("forwarded", false);
    apply(httpListener("web", port, new JsonArray().add(route("app"))).put("forwarded", off),
        httpPool("app", app.address()));
    JsonObject seen = get("/").seenHeaders();
    assertThat(seen.fieldNames()).doesNotContain("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
        "x-forwarded-port", "forwarded");
  }

  @Test
  void hopByHopHeadersStopAtTheGatewayAndRulesApplyBothWays() throws Exception {
    JsonObject rules = route("app").put("pathPrefix", "/api").put("stripPrefix", true)
        .put("requestHeaders", new JsonObject().put("remove", new JsonArray().add("x-secret"))
            .put("set", new JsonObject().put("x-env", "prod")).put("add", new JsonObject().put("x-tag", "gw")))
        .put("responseHeaders", new JsonObject().put("remove", new JsonArray().add("x-backend"))
            .put("set", new JsonObject().put("strict-transport-security", "max-age=60")));
    apply(httpListener("web", port, new JsonArray().add(rules)), httpPool("app", app.address()));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("connection", "keep-alive, x-hop").add("x-hop", "1")
        .add("keep-alive", "timeout=5").add("te", "trailers").add("x-secret", "s").add("x-env", "dev")
        .add("x-tag", "client");
    Answer answer = send(HttpMethod.GET, "/api/users?id=1", headers);

    JsonObject seen = answer.seenHeaders();
    assertThat(answer.json().getString("uri")).isEqualTo("/users?id=1");
    assertThat(seen.fieldNames()).doesNotContain("x-hop", "keep-alive", "te", "x-secret");
    assertThat(seen.getString("x-env")).isEqualTo("prod");
    assertThat(seen.getString("x-tag")).isEqualTo("client|gw");
    assertThat(answer.headers().get("x-backend")).isNull();
    assertThat(answer.headers().get("strict-transport-security")).isEqualTo("max-age=60");

    Answer status = get("/api/status?code=202");
    assertThat(status.status()).isEqualTo(202);
    // The target's Connection names x-private; it and Keep-Alive stop at the gateway.
    assertThat(status.headers().get("x-private")).isNull();
    assertThat(status.headers().get("keep-alive")).isNull();
    assertThat(get("/api").json().getString("uri")).isEqualTo("/");
  }

  @Test
  void aTargetTooSlowGets504AndTheRouteTimeoutIsPerRoute() throws Exception {
    apply(httpListener("web", port, new JsonArray()
        .add(route("app").put("pathPrefix", "/slow").put("timeout", "300ms"))
        .add(route("app"))), httpPool("app", app.address()));
    Answer answer = get("/slow?ms=5000");
    assertThat(answer.status()).isEqualTo(504);
    assertThat(answer.body()).startsWith("gateway timeout");
    JsonObject line = gateway.awaitAccessLine("request_timeout");
    assertThat(line.getInteger("status")).isEqualTo(504);
    assertThat(line.getString("target")).isEqualTo(app.address());
    // The connection is still good, and a route without the short timeout waits.
    assertThat(get("/other?ms=1").status()).isEqualTo(200);
  }

  @Test
  void aClientThatLeavesBeforeTheAnswerIsLoggedAsTheClientsDoingNotATargetFailure() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", app.address()));
    try (java.net.Socket raw = io.archway.proxy.testing.Streams.connect(port)) {
      io.archway.proxy.testing.Streams.write(raw.getOutputStream(), "GET /slow?ms=2000 HTTP/1.1\r\nHost: x\r\n\r\n");
      // Gone once the request is with the target (the access log line is written when the exchange ends).
      Thread.sleep(300);
    }
    JsonObject line = gateway.awaitAccessLine(l -> true);
    assertThat(line.getString("termination")).isEqualTo("client_close");
    assertThat(line.getString("target")).isEqualTo(app.address());
    // Its reset of the target's request is not a target failure: the next client is served.
    assertThat(get("/other").status()).isEqualTo(200);
  }

  @Test
  void anUploadLongerThanTheRouteTimeoutIsNotCutShort() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app").put("timeout", "300ms"))),
        httpPool("app", app.address()));
    var request = await(client.request(HttpMethod.POST, port, "127.0.0.1", "/upload"));
    request.setChunked(true);
    var response = request.response().compose(r -> r.body().map(b -> new Answer(r.statusCode(), r.headers(), b.toString())));
    for (int i = 0; i < 10; i++) {
      await(request.write("0123456789"));
      Thread.sleep(100);
    }
    await(request.end());
    Answer answer = await(response);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().getLong("length")).isEqualTo(100);
  }

  @Test
  void aTargetThatDropsTheRequestIsSkippedForAnIdempotentOne() throws Exception {
    try (TcpBackend dropper = TcpBackend.start(socket -> {
      socket.getInputStream().read(new byte[1024]);
      socket.close();
    })) {
      gateway.healthy("app", dropper.address());
      apply(httpListener("web", port, new JsonArray().add(route("app"))),
          httpPool("app", dropper.address(), app.address()).put("retries", 1));
      for (int i = 0; i < 4; i++) assertThat(get("/").status()).as("GET %d", i).isEqualTo(200);
      assertThat(dropper.connections()).isPositive();
    }
  }

  @Test
  void aTargetFailingMidBodyGivesTheClientABrokenResponseNotAShortOne() throws Exception {
    try (TcpBackend truncating = TcpBackend.start(socket -> {
      socket.getInputStream().read(new byte[4096]);
      socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      Thread.sleep(100);
      socket.close();
    })) {
      gateway.healthy("app", truncating.address());
      apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", truncating.address()));
      var outcome = client.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(r -> r.send()
          .compose(resp -> resp.body()));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(outcome)).isNotNull();
      assertThat(gateway.awaitAccessLine(l -> "/".equals(l.getString("path"))).getString("termination"))
          .isEqualTo("backend_close");
    }
  }

  @Test
  void noHealthyTargetIs503() throws Exception {
    gateway.healthy("app", app.address());
    apply(httpListener("web", port, new JsonArray().add(route("app"))),
        httpPool("app", app.address()).put("targets", new JsonArray()
            .add(new JsonObject().put("address", app.address()).put("state", "disabled"))));
    Answer answer = get("/");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(gateway.awaitAccessLine("no_target").getInteger("status")).isEqualTo(503);
    // A 503 to a request without a body keeps the client's connection.
    assertThat(get("/again").status()).isEqualTo(503);
    assertThat(gateway.counter(MetricNames.LISTENER_CONNECTIONS, "listener", "web")).isEqualTo(1);
  }

  @Test
  void idempotentRequestsMoveOnFromATargetThatRefusesAndOthersGet502() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    String deadAddress = "127.0.0.1:" + dead;
    gateway.healthy("app", deadAddress);
    apply(httpListener("web", port, new JsonArray().add(route("app"))),
        httpPool("app", deadAddress, app.address()).put("retries", 1));
    for (int i = 0; i < 4; i++) assertThat(get("/").status()).as("GET %d", i).isEqualTo(200);

    int[] statuses = new int[4];
    for (int i = 0; i < 4; i++) statuses[i] = send(HttpMethod.POST, "/", null).status();
    // Round robin: every other POST goes to the refusing target first and gets no second try.
    assertThat(statuses).contains(200, 502);
    JsonObject failed = gateway.awaitAccessLine("connect_failed");
    assertThat(failed.getString("method")).isEqualTo("POST");
    assertThat(gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "app", "target", deadAddress))
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void everyRequestGetsAnAccessLogLine() throws Exception {
    apply(httpListener("web", port, new JsonArray().add(route("app"))), httpPool("app", app.address()));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("host", "log.example.com");
    assertThat(send(HttpMethod.PUT, "/logged?q=1", headers).status()).isEqualTo(200);
    JsonObject line = gateway.awaitAccessLine(l -> "/logged".equals(l.getString("path")));
    assertThat(line.getString("termination")).isEqualTo("complete");
    assertThat(line.getString("method")).isEqualTo("PUT");
    assertThat(line.getString("host")).isEqualTo("log.example.com");
    assertThat(line.getInteger("status")).isEqualTo(200);
    assertThat(line.getString("listener")).isEqualTo("web");
    assertThat(line.getString("pool")).isEqualTo("app");
    assertThat(line.getString("target")).isEqualTo(app.address());
    assertThat(line.getString("protocol")).isEqualTo("HTTP/1.1");
    assertThat(line.getLong("bytesOut")).isPositive();
    assertThat(line.getDouble("upstreamMs")).isNotNull();
    assertThat(gateway.counter(MetricNames.LISTENER_CONNECTIONS, "listener", "web")).isGreaterThanOrEqualTo(1);
    assertThat(gateway.counter(MetricNames.LISTENER_BYTES, "listener", "web", "direction", "out")).isPositive();
    // The one connection the request opened to the target, timed as the TCP relay's are.
    assertThat(gateway.timerCount(MetricNames.BACKEND_CONNECT, "pool", "app")).isEqualTo(timesTargetConnects() ? 1 : 0);
  }
}
