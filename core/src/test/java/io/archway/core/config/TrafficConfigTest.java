package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The traffic keys of issue 7: balancing with weights, the PROXY header, listener limits and access lists. */
class TrafficConfigTest {

  @TempDir Path dir;

  private static JsonObject listener() {
    return new JsonObject().put("name", "l").put("protocol", "tcp").put("host", "127.0.0.1").put("port", 7000)
        .put("pool", "p");
  }

  private static JsonObject pool() {
    return new JsonObject().put("name", "p")
        .put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:1")));
  }

  private static JsonObject config(JsonObject listener, JsonObject pool) {
    return new JsonObject().put("listeners", new JsonArray().add(listener)).put("pools", new JsonArray().add(pool));
  }

  private List<String> problems(JsonObject json) {
    return ConfigParser.problems(json, dir).stream().map(Problem::toString).toList();
  }

  @Test
  void everyKeyIsReadWithItsDefaults() {
    JsonObject l = listener().put("acceptProxyProtocol", true).put("maxConnections", 1000)
        .put("maxConnectionsPerClient", 10).put("clientRate", new JsonObject().put("perSecond", 5))
        .put("allow", new JsonArray().add("10.0.0.0/8").add("2001:db8::/32")).put("deny", new JsonArray().add("10.1.2.3"));
    JsonObject p = pool().put("balance", "source-hash").put("proxyProtocol", "v2");
    p.getJsonArray("targets").getJsonObject(0).put("weight", 3);
    GatewayConfig c = ConfigParser.parse(config(l, p), dir);

    ListenerPolicy policy = c.listeners().get(0).policy();
    assertThat(policy.acceptProxyProtocol()).isTrue();
    assertThat(policy.maxConnections()).isEqualTo(1000);
    assertThat(policy.maxConnectionsPerClient()).isEqualTo(10);
    assertThat(policy.clientRatePerSecond()).isEqualTo(5);
    assertThat(policy.clientBurst()).as("burst defaults to the rate").isEqualTo(5);
    assertThat(policy.allow()).extracting(Cidr::text).containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(policy.deny().get(0).prefix()).isEqualTo(32);
    PoolConfig pc = c.pools().get(0);
    assertThat(pc.balance()).isEqualTo(Balance.SOURCE_HASH);
    assertThat(pc.traffic().proxyProtocol()).contains(ProxyProtocol.V2);
    assertThat(pc.targets().get(0).weight()).isEqualTo(3);

    GatewayConfig plain = ConfigParser.parse(config(listener(), pool()), dir);
    assertThat(plain.listeners().get(0).policy()).isEqualTo(ListenerPolicy.defaults());
    assertThat(plain.pools().get(0).traffic()).isEqualTo(PoolTraffic.defaults());
  }

  @Test
  void badValuesAreNamedByPath() {
    JsonObject l = listener().put("acceptProxyProtocol", "yes").put("maxConnections", -1)
        .put("clientRate", new JsonObject().put("burst", 0).put("every", "1s"))
        .put("allow", new JsonArray().add("10.0.0.1/8").add("example.com")).put("deny", new JsonArray().add("::1/129"));
    JsonObject p = pool().put("proxyProtocol", "v3");
    p.getJsonArray("targets").getJsonObject(0).put("weight", 2);
    assertThat(problems(config(l, p))).containsExactlyInAnyOrder(
        "listeners[0].acceptProxyProtocol: expected true or false, found 'yes'",
        "listeners[0].maxConnections: -1 is not a connection count (0: no limit) (0-10000000)",
        "listeners[0].clientRate.perSecond: is required (new connections per second per client)",
        "listeners[0].clientRate.burst: 0 is not a connection count (1-1000000)",
        "listeners[0].clientRate.every: unknown key (known here: perSecond, burst)",
        "listeners[0].allow[0]: '10.0.0.1/8' has host bits set; the block is 10.0.0.0/8",
        "listeners[0].allow[1]: 'example.com' is not an address block (such as 10.0.0.0/8 or 2001:db8::/32)",
        "listeners[0].deny[0]: '::1/129': the prefix length must be 0-128",
        "pools[0].proxyProtocol: 'v3' is not one of v1, v2",
        "pools[0].targets[0].weight: round-robin treats every target alike; weights need weighted-round-robin, "
            + "least-connections, random-two or source-hash");
  }

  @Test
  void passiveHealthAndResolveIntervalAreRead() {
    JsonObject p = pool().put("passiveHealth", new JsonObject().put("failures", 3).put("coolDown", "10s"));
    assertThat(ConfigParser.parse(config(listener(), p), dir).pools().get(0).traffic().passiveHealth())
        .contains(new PassiveHealth(3, java.time.Duration.ofSeconds(10)));

    assertThat(ConfigParser.parse(config(listener(), pool().put("resolveInterval", "15s")), dir).pools().get(0).traffic()
        .resolveInterval()).contains(java.time.Duration.ofSeconds(15));

    JsonObject bad = pool().put("passiveHealth", new JsonObject().put("coolDown", "1ms")).put("resolveInterval", "1ms")
        .put("resolveEvery", "1s");
    List<String> problems = problems(config(listener(), bad));
    assertThat(problems).hasSize(4);
    assertThat(problems).contains(
        "pools[0].passiveHealth.failures: is required (consecutive connect failures that take a target out)",
        "pools[0].passiveHealth.coolDown: 1ms is out of range (100ms to 1h)",
        "pools[0].resolveInterval: 1ms is out of range (100ms to 24h)");
    assertThat(problems).anyMatch(m -> m.startsWith("pools[0].resolveEvery: unknown key (known here: name,"));
  }

  @Test
  void cidrBlocksMatchTheirOwnFamilyOnly() throws Exception {
    Cidr v4 = Cidr.parse("192.168.0.0/16");
    assertThat(v4.contains(InetAddress.getByName("192.168.44.1").getAddress())).isTrue();
    assertThat(v4.contains(InetAddress.getByName("192.169.0.1").getAddress())).isFalse();
    Cidr v6 = Cidr.parse("2001:db8::/33");
    assertThat(v6.contains(InetAddress.getByName("2001:db8:7fff::1").getAddress())).isTrue();
    assertThat(v6.contains(InetAddress.getByName("2001:db8:8000::1").getAddress())).isFalse();
    assertThat(v6.contains(InetAddress.getByName("192.168.44.1").getAddress())).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8").getAddress())).isTrue();
  }
}
