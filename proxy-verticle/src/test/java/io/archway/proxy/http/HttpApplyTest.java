package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Configs;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** HTTP listeners follow the same apply model as TCP ones: changes by difference, removal drains. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApplyTest {

  private final int port = Ports.free();
  private final int otherPort = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  private final HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
  private HttpBackend app;
  private Gateway gateway;

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

  private JsonObject config(JsonObject... listeners) {
    JsonArray list = new JsonArray();
    for (JsonObject l : listeners) list.add(l);
    return new JsonObject().put("listeners", list).put("pools", new JsonArray().add(httpPool("app", app.address())));
  }

  private Future<Integer> slow(int toPort, long ms) {
    return client.request(HttpMethod.GET, toPort, "127.0.0.1", "/slow?ms=" + ms).compose(r -> r.send()
        .compose(resp -> resp.body().map(b -> resp.statusCode())));
  }

  private static boolean refused(int port) {
    try (Socket s = Streams.connect(port)) {
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  @Test
  void aRouteChangeAndAnotherListenerLeaveARequestInFlightAlone() throws Exception {
    gateway.apply(config(httpListener("web", port, new JsonArray().add(route("app")))));
    Future<Integer> inFlight = slow(port, 1_500);
    await().atMost(Duration.ofSeconds(10)).until(() -> !app.seen().isEmpty());

    gateway.apply(config(httpListener("web", port, new JsonArray().add(route("app").put("pathPrefix", "/"))
        .add(new JsonObject().put("path", "/moved").put("priority", 1).put("redirect", new JsonObject().put("to", "/new")))),
        httpListener("more", otherPort, new JsonArray().add(route("app")))));
    assertThat(await(inFlight)).isEqualTo(200);
    int status = await(client.request(HttpMethod.GET, port, "127.0.0.1", "/moved").compose(r -> r.send())
        .map(r -> r.statusCode()));
    assertThat(status).isEqualTo(302);
    assertThat(await(slow(otherPort, 1))).isEqualTo(200);
  }

  @Test
  void aRemovedListenerStopsAcceptingAndLetsItsRequestFinish() throws Exception {
    gateway.apply(config(httpListener("web", port, new JsonArray().add(route("app"))),
        httpListener("more", otherPort, new JsonArray().add(route("app")))));
    Future<Integer> inFlight = slow(port, 1_500);
    await().atMost(Duration.ofSeconds(10)).until(() -> !app.seen().isEmpty());

    gateway.apply(config(httpListener("more", otherPort, new JsonArray().add(route("app")))));
    await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));
    assertThat(await(inFlight)).isEqualTo(200);
  }

  @Test
  void anAddressMovesFromTcpToHttpAndBack() throws Exception {
    try (TcpBackend banner = TcpBackend.banner("tcp\n")) {
      gateway.healthy("t", banner.address());
      JsonObject tcp = new JsonObject().put("listeners", new JsonArray().add(Configs.listener("x", port, "t")))
          .put("pools", new JsonArray().add(Configs.pool("t", banner.address())).add(httpPool("app", app.address())));
      gateway.apply(tcp);
      try (Socket s = Streams.connect(port)) {
        assertThat(Streams.read(s.getInputStream(), 4)).isEqualTo("tcp\n");
      }
      JsonObject http = tcp.copy().put("listeners", new JsonArray().add(httpListener("x", port,
          new JsonArray().add(route("app")))));
      gateway.apply(http);
      assertThat(await(slow(port, 1))).isEqualTo(200);
      gateway.apply(tcp);
      try (Socket s = Streams.connect(port)) {
        assertThat(Streams.read(s.getInputStream(), 4)).isEqualTo("tcp\n");
      }
    }
  }
}
