package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.health.TargetHealth;
import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A pool with cookie affinity keeps a client on its target while that target is healthy and enabled. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AffinityTest {

  private final int port = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  private HttpBackend one;
  private HttpBackend two;
  private Gateway gateway;

  record Answer(String backend, String setCookie) {}

  @BeforeEach
  void start() throws Exception {
    one = HttpBackend.start("one");
    two = HttpBackend.start("two");
    gateway = Gateway.start();
    gateway.healthy("app", one.address(), two.address());
    gateway.apply(new JsonObject().put("listeners", new JsonArray().add(httpListener("web", port,
        new JsonArray().add(route("app")))))
        .put("pools", new JsonArray().add(httpPool("app", one.address(), two.address())
            .put("affinity", "cookie").put("affinityCookie", "sticky"))));
  }

  @AfterEach
  void stop() throws Exception {
    await(clientVertx.close());
    gateway.close();
    one.close();
    two.close();
  }

  /** Each request on a new connection, so that no connection reuse hides the balancing. */
  private Answer get(String cookie) throws Exception {
    HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/");
    if (cookie != null) options.putHeader("cookie", cookie);
    return await(client.request(options).compose(r -> r.send().compose(resp -> resp.body()
        .map(b -> new Answer(resp.getHeader("x-backend"), resp.getHeader("set-cookie"))))));
  }

  @Test
  void theCookieKeepsTheClientOnItsTargetUntilItIsUnhealthy() throws Exception {
    Set<String> withoutCookie = new HashSet<>();
    for (int i = 0; i < 4; i++) withoutCookie.add(get(null).backend());
    assertThat(withoutCookie).containsExactlyInAnyOrder("one", "two");

    Answer first = get(null);
    assertThat(first.setCookie()).startsWith("sticky=").containsIgnoringCase("HttpOnly").contains("Path=/")
        .doesNotContain("Secure").doesNotContain("127.0.0.1");
    String cookie = first.setCookie().substring(0, first.setCookie().indexOf(';'));
    for (int i = 0; i < 6; i++) {
      Answer again = get(cookie);
      assertThat(again.backend()).isEqualTo(first.backend());
      assertThat(again.setCookie()).as("an affine request gets no new cookie").isNull();
    }

    HttpBackend stuck = first.backend().equals("one") ? one : two;
    gateway.node().health().set("app", stuck.address(), TargetHealth.UNHEALTHY);
    Answer moved = get(cookie);
    assertThat(moved.backend()).isNotEqualTo(first.backend());
    assertThat(moved.setCookie()).startsWith("sticky=").isNotEqualTo(first.setCookie());
  }
}
