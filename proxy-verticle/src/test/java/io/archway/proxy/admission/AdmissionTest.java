package io.archway.proxy.admission;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.metrics.MetricNames;
import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Listener limits and access lists over real sockets, on two event loops: who gets in, who is refused and counted. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdmissionTest {

  private final int port = Ports.free();
  private final List<Socket> held = new ArrayList<>();
  private Gateway gateway;
  private TcpBackend backend;

  @BeforeEach
  void start() throws Exception {
    gateway = Gateway.start();
    backend = TcpBackend.banner("hi\n");
    gateway.healthy("p", backend.address());
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : held) s.close();
    gateway.close();
    backend.close();
  }

  @Test
  void connectionsBeyondMaxConnectionsAreClosedAtOnceAndCounted() throws Exception {
    apply(new JsonObject().put("maxConnections", 3));
    for (int i = 0; i < 3; i++) assertThat(admitted(connect(null, null))).isTrue();
    assertThat(admitted(connect(null, null))).isFalse();

    awaitRejected("limit", 1);
    assertThat(gateway.awaitAccessLine("rejected").getValue("target")).isNull();
    assertThat(backend.connections()).isEqualTo(3);

    // One leaves: the next client gets its place.
    held.remove(0).close();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> admitted(connect(null, null)));
  }

  @Test
  void clientsWaitingForTheirProxyHeaderCountAgainstMaxConnections() throws Exception {
    apply(new JsonObject().put("acceptProxyProtocol", true).put("maxConnections", 2));
    connect(null, null);
    connect(null, null);
    // Accepted by the gateway (not only queued by the kernel) before the third arrives.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        gateway.counter(MetricNames.LISTENER_CONNECTIONS, "listener", "l") == 2);
    // Both slots are held by silent clients: a third is refused at once, header or not.
    assertThat(admitted(connect(null, "PROXY TCP4 10.0.0.9 10.0.0.1 1000 80\r\n"))).isFalse();
    awaitRejected("limit", 1);
    assertThat(backend.connections()).isZero();
  }

  @Test
  void maxConnectionsPerClientCountsEachAddressApart() throws Exception {
    apply(new JsonObject().put("maxConnectionsPerClient", 2));
    assertThat(admitted(connect("127.0.0.2", null))).isTrue();
    assertThat(admitted(connect("127.0.0.2", null))).isTrue();
    assertThat(admitted(connect("127.0.0.2", null))).isFalse();
    assertThat(admitted(connect("127.0.0.3", null))).isTrue();
    assertThat(admitted(connect("127.0.0.3", null))).isTrue();
    awaitRejected("limit", 1);
  }

  @Test
  void clientRateIsATokenBucketPerAddress() throws Exception {
    apply(new JsonObject().put("clientRate", new JsonObject().put("perSecond", 1).put("burst", 3)));
    long start = System.nanoTime();
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      Socket s = connect("127.0.0.4", null);
      if (admitted(s)) admitted++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // The burst, plus at most one token per second that passed (however slow this machine is).
    assertThat(admitted).isBetween(3, 3 + (int) Math.ceil(seconds));
    awaitRejected("limit", 10 - Math.min(admitted, 10));
    // Another address has its own bucket.
    assertThat(admitted(connect("127.0.0.5", null))).isTrue();
  }

  @Test
  void denyWinsOverAllowForIpv4AndIpv6() throws Exception {
    apply(new JsonObject().put("acceptProxyProtocol", true)
        .put("allow", new JsonArray().add("10.0.0.0/8").add("2001:db8::/32"))
        .put("deny", new JsonArray().add("10.1.0.0/16").add("2001:db8:bad::/48")));

    assertThat(admitted(connect(null, "PROXY TCP4 10.2.3.4 10.0.0.1 1000 80\r\n"))).isTrue();
    assertThat(admitted(connect(null, "PROXY TCP4 10.1.3.4 10.0.0.1 1000 80\r\n"))).isFalse();
    assertThat(admitted(connect(null, "PROXY TCP4 192.168.1.1 10.0.0.1 1000 80\r\n"))).isFalse();
    assertThat(admitted(connect(null, "PROXY TCP6 2001:db8:1::1 2001:db8::1 1000 80\r\n"))).isTrue();
    assertThat(admitted(connect(null, "PROXY TCP6 2001:db8:bad::1 2001:db8::1 1000 80\r\n"))).isFalse();
    assertThat(admitted(connect(null, "PROXY TCP6 2001:db9::1 2001:db8::1 1000 80\r\n"))).isFalse();

    awaitRejected("acl", 4);
    assertThat(backend.connections()).isEqualTo(2);
  }

  @Test
  void manyDistinctClientsLeaveNoStateBehind() throws Exception {
    // Faked through PROXY headers: 3,000 addresses, each with its own bucket and count.
    apply(new JsonObject().put("acceptProxyProtocol", true).put("maxConnectionsPerClient", 1)
        .put("clientRate", new JsonObject().put("perSecond", 100).put("burst", 1)));
    for (int c = 0; c < 3_000; c++) {
      String source = "10.7." + (c >> 8) + "." + (c & 0xff);
      try (Socket s = connect(null, "PROXY TCP4 " + source + " 10.0.0.1 1000 80\r\n")) {
        held.remove(s);
        assertThat(admitted(s)).as(source).isTrue();
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        gateway.accessLog().size() == 3_000);
    double tracked = gateway.gauge(Gate.TRACKED_CLIENTS, "listener", "l");
    assertThat(tracked).isGreaterThan(0).isLessThanOrEqualTo(3_000);

    // Idle entries (no connection, bucket full again after 10ms) go at the next sweep (at most 1s apart).
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
      try (Socket s = connect(null, "PROXY TCP4 10.8.0.1 10.0.0.1 1000 80\r\n")) {
        held.remove(s);
        admitted(s);
      }
      return gateway.gauge(Gate.TRACKED_CLIENTS, "listener", "l") <= 2;
    });
    assertThat(rejected("limit")).isZero();
  }

  private void apply(JsonObject policy) throws Exception {
    JsonObject l = listener("l", port, "p");
    policy.forEach(e -> l.put(e.getKey(), e.getValue()));
    gateway.apply(config(l, pool("p", backend.address())));
  }

  /** Connects from {@code source} (when not null), sends {@code header} (when not null); held until the end. */
  private Socket connect(String source, String header) throws Exception {
    Socket client = new Socket();
    if (source != null) client.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    client.setSoTimeout(15_000);
    if (header != null) client.getOutputStream().write(header.getBytes(StandardCharsets.US_ASCII));
    held.add(client);
    return client;
  }

  /**
   * True when the backend's greeting arrives; false when the gateway closes the client instead: a FIN,
   * or a reset when the client had sent bytes the gateway closed without reading (a PROXY header).
   */
  private static boolean admitted(Socket client) throws Exception {
    int first;
    try {
      first = client.getInputStream().read();
    } catch (SocketException e) {
      if (String.valueOf(e.getMessage()).contains("reset")) return false;
      throw e;
    }
    if (first < 0) return false;
    assertThat((char) first).isEqualTo('h');
    return true;
  }

  /** Refusals are counted when the connection is finished, just after the client sees its close. */
  private void awaitRejected(String reason, int count) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rejected(reason)).isEqualTo(count));
  }

  private double rejected(String reason) {
    return gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "l", "reason", reason);
  }
}
