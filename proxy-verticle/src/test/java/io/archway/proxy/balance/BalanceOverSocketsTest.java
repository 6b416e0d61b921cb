package io.archway.proxy.balance;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.TcpBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every balancing algorithm through real sockets, on a gateway with two proxy verticles (two event
 * loops), as a node runs: the counts that reach each backend.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BalanceOverSocketsTest {

  private final int port = Ports.free();
  private final List<TcpBackend> backends = new ArrayList<>();
  private final List<Socket> held = new ArrayList<>();
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    gateway = Gateway.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : held) s.close();
    gateway.close();
    for (TcpBackend b : backends) b.close();
  }

  @Test
  void weightedRoundRobinSplitsConnectionsByWeight() throws Exception {
    apply("weighted-round-robin", 1, 3);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 400; i++) counts.merge(greeting(null, false), 1, Integer::sum);
    assertThat(counts.get("T0")).isEqualTo(100);
    assertThat(counts.get("T1")).isEqualTo(300);
  }

  @Test
  void roundRobinTakesTheTargetsInTurnWhicheverEventLoopAccepts() throws Exception {
    apply("round-robin", 1, 1, 1);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 30; i++) order.add(greeting(null, false));
    // One turn for the node: every three consecutive clients reach the three targets.
    for (int i = 0; i + 3 <= order.size(); i++) {
      assertThat(order.subList(i, i + 3)).as("clients %d-%d of %s", i, i + 2, order).doesNotHaveDuplicates();
    }
  }

  @Test
  void weightedRoundRobinInterleavesAsDocumented() throws Exception {
    apply("weighted-round-robin", 5, 1, 1);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 14; i++) order.add(greeting(null, false));
    // configuration.md: weights 5, 1, 1 give a a b a c a a, never five a in a row.
    assertThat(String.join(" ", order)).isEqualTo("T0 T0 T1 T0 T2 T0 T0 T0 T0 T1 T0 T2 T0 T0");
  }

  @Test
  void leastConnectionsCountsConnectionsOfEveryEventLoop() throws Exception {
    apply("least-connections", 1, 3);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 80; i++) counts.merge(greeting(null, true), 1, Integer::sum);
    // Counts are node-wide: whichever event loop takes a connection sees the other's.
    assertThat(counts.get("T0")).isBetween(19, 21);
    assertThat(counts.get("T1")).isBetween(59, 61);

    // The clients of T1 leave: the next ones fill T1 up before T0 gets any.
    int closed = 0;
    for (Socket s : new ArrayList<>(held)) {
      if (target(s).equals("T1")) {
        s.close();
        held.remove(s);
        closed++;
      }
    }
    awaitFinished("T1", closed);
    for (int i = 0; i < 40; i++) assertThat(greeting(null, true)).isEqualTo("T1");
  }

  @Test
  void randomTwoKeepsHeldConnectionsEven() throws Exception {
    apply("random-two", 1, 1, 1);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 90; i++) counts.merge(greeting(null, true), 1, Integer::sum);
    // Uniform random would put the three within about +-13 of 30 (3 sigma); two choices keep them tight.
    for (String t : List.of("T0", "T1", "T2")) assertThat(counts.get(t)).as(t).isBetween(26, 34);
  }

  @Test
  void sourceHashSendsEachClientAddressToOneTarget() throws Exception {
    apply("source-hash", 1, 1, 1);
    Map<String, String> firstTarget = new HashMap<>();
    Map<String, Integer> clientsPerTarget = new HashMap<>();
    for (int c = 2; c < 62; c++) {
      String source = "127.0.0." + c;
      for (int i = 0; i < 3; i++) {
        String target = greeting(source, false);
        String first = firstTarget.putIfAbsent(source, target);
        if (first == null) clientsPerTarget.merge(target, 1, Integer::sum);
        else assertThat(target).as("client %s, connection %d", source, i).isEqualTo(first);
      }
    }
    assertThat(clientsPerTarget).containsOnlyKeys("T0", "T1", "T2");
    for (int n : clientsPerTarget.values()) assertThat(n).isBetween(8, 32);
  }

  private void apply(String balance, int... weights) throws Exception {
    String[] addresses = new String[weights.length];
    for (int i = 0; i < weights.length; i++) {
      TcpBackend b = TcpBackend.banner("T" + i + "\n");
      backends.add(b);
      addresses[i] = b.address();
    }
    gateway.healthy("p", addresses);
    JsonObject pool = pool("p", addresses).put("balance", balance);
    JsonArray targets = pool.getJsonArray("targets");
    for (int i = 0; i < weights.length; i++) targets.getJsonObject(i).put("weight", weights[i]);
    gateway.apply(config(listener("l", port, "p"), pool));
  }

  /**
   * Connects (from {@code source} when not null) and returns the target's banner; {@code hold} keeps the
   * connection open until the test ends.
   */
  private String greeting(String source, boolean hold) throws Exception {
    Socket client = new Socket();
    if (source != null) client.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    client.setSoTimeout(10_000);
    String name = target(client);
    if (hold) {
      held.add(client);
    } else {
      client.close();
    }
    return name;
  }

  private final Map<Socket, String> names = new HashMap<>();

  private String target(Socket client) throws Exception {
    String known = names.get(client);
    if (known != null) return known;
    StringBuilder name = new StringBuilder();
    for (int c; (c = client.getInputStream().read()) >= 0 && c != '\n'; ) name.append((char) c);
    names.put(client, name.toString());
    return name.toString();
  }

  /** Waits until {@code count} connections to {@code target} have finished (and so no longer count). */
  private void awaitFinished(String target, long count) {
    String key = backends.get(Integer.parseInt(target.substring(1))).address();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> gateway.accessLog().stream().filter(l -> key.equals(l.getString("target"))).count() == count);
  }
}
