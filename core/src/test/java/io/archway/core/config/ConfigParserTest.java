package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {

  @TempDir Path dir;

  private static JsonObject listener(String name, int port, String pool) {
    return new JsonObject().put("name", name).put("protocol", "tcp").put("host", "127.0.0.1")
        .put("port", port).put("pool", pool);
  }

  private static JsonObject pool(String name, String... addresses) {
    JsonArray targets = new JsonArray();
    for (String a : addresses) targets.add(new JsonObject().put("address", a));
    return new JsonObject().put("name", name).put("targets", targets);
  }

  private static JsonObject config(JsonArray listeners, JsonArray pools) {
    return new JsonObject().put("listeners", listeners).put("pools", pools);
  }

  private List<String> problems(JsonObject json) {
    return ConfigParser.problems(json, dir).stream().map(Problem::toString).toList();
  }

  @Test
  void minimalTcpConfigGetsTheDocumentedDefaults() {
    GatewayConfig c = ConfigParser.parse(config(
        new JsonArray().add(listener("redis", 6380, "redis")),
        new JsonArray().add(pool("redis", "127.0.0.1:6379", "[::1]:6379"))), dir);

    ListenerConfig l = c.listeners().get(0);
    assertThat(l.protocol()).isEqualTo(ListenerProtocol.TCP);
    assertThat(l.idleTimeout()).isEqualTo(Duration.ofMinutes(4));
    PoolConfig p = c.pool("redis").orElseThrow();
    assertThat(p.balance()).isEqualTo(Balance.ROUND_ROBIN);
    assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.retries()).isEqualTo(2);
    assertThat(p.targets()).extracting(t -> t.address().toString()).containsExactly("127.0.0.1:6379", "[::1]:6379");
    assertThat(p.probe()).isEqualTo(ProbeConfig.defaults());
    assertThat(c.admin()).isEqualTo(AdminConfig.defaults());
    assertThat(c.accessLog().enabled()).isTrue();
  }

  @Test
  void everyProblemIsReportedWithItsPath() {
    JsonObject json = config(
        new JsonArray()
            .add(listener("Bad_Name", 70000, "nowhere").put("colour", "blue"))
            .add(listener("dup", 7000, "p"))
            .add(listener("dup", 7000, "p").put("idleTimeout", "5 minutes")),
        new JsonArray()
            .add(pool("p", "127.0.0.1:99999", "no-port"))
            .add(pool("empty")));

    assertThat(problems(json)).contains(
        "listeners[0].name: 'Bad_Name' is not a valid name (lower-case letters, digits and '-', "
            + "1-63 characters, starting and ending with a letter or digit)",
        "listeners[0].port: 70000 is not a port (1-65535)",
        "listeners[0].pool: no pool named 'nowhere' (pools: [p, empty])",
        "listeners[2].idleTimeout: '5 minutes' is not a duration (a whole number with ms, s, m or h, "
            + "such as 250ms, 5s, 4m, 1h)",
        "listeners[2]: 'dup' appears more than once",
        "listeners[2].port: 127.0.0.1:7000 is already taken by listener 'dup' (127.0.0.1:7000)",
        "pools[0].targets[0].address: '127.0.0.1:99999': 99999 is not a port (1-65535)",
        "pools[0].targets[1].address: 'no-port' is not host:port (such as 127.0.0.1:6379 or [::1]:6379)",
        "pools[1].targets: a pool needs at least one target, such as {address: 127.0.0.1:6379}");
    assertThat(problems(json)).anyMatch(p -> p.startsWith("listeners[0].colour: unknown key (known here: name,"));
  }

  @Test
  void aWildcardListenerConflictsWithAnyHostOnTheSamePort() {
    JsonObject json = config(
        new JsonArray().add(listener("a", 7000, "p").put("host", "0.0.0.0")).add(listener("b", 7000, "p")),
        new JsonArray().add(pool("p", "127.0.0.1:1")));
    assertThat(problems(json)).containsExactly(
        "listeners[1].port: 127.0.0.1:7000 is already taken by listener 'a' (0.0.0.0:7000)");
  }

  @Test
  void keysOfLaterFeaturesAreRejectedByName() {
    JsonObject json = config(
        new JsonArray().add(listener("secure", 6443, "p").put("protocol", "https")
            .put("tls", new JsonObject().put("certificates", new JsonArray().add("missing")))),
        new JsonArray().add(pool("p", "127.0.0.1:1").put("protocol", "http").put("balance", "least-connections")));
    assertThat(problems(json)).containsExactlyInAnyOrder(
        "listeners[0].tls.certificates[0]: no certificate named 'missing'",
        "pools[0].balance: least-connections is not supported yet for protocol http "
            + "(round-robin, weighted-round-robin; to pin a client, use affinity: cookie)");
  }

  @Test
  void unknownKeywordsListTheChoices() {
    JsonObject json = config(
        new JsonArray().add(listener("l", 1, "p").put("protocol", "udp")),
        new JsonArray().add(pool("p", "127.0.0.1:1")));
    assertThat(problems(json)).containsExactly(
        "listeners[0].protocol: 'udp' is not one of tcp, tls, tls-passthrough, http, https");
  }

  @Test
  void certificateFilesMustExistAndResolveAgainstTheConfigFolder() throws Exception {
    Files.writeString(dir.resolve("cert.pem"), "x");
    JsonObject json = new JsonObject().put("certificates", new JsonArray()
        .add(new JsonObject().put("name", "web").put("cert", "cert.pem").put("key", "key.pem"))
        .add(new JsonObject().put("name", "both").put("ca", "cert.pem").put("pkcs12", "cert.pem")));
    assertThat(problems(json)).containsExactly(
        "certificates[0].key: file " + dir.resolve("key.pem") + " does not exist",
        "certificates[1]: give exactly one of: cert and key (PEM), ca (PEM CA bundle), or pkcs12 with password");
  }

  @Test
  void anAdminOffLoopbackNeedsAToken() {
    assertThat(problems(new JsonObject().put("admin", new JsonObject().put("host", "0.0.0.0"))))
        .containsExactly("admin.host: 0.0.0.0 is not a loopback address; set admin.token to expose the "
            + "admin API beyond this machine");
    assertThat(problems(new JsonObject().put("admin", new JsonObject().put("host", "0.0.0.0").put("token", "s"))))
        .isEmpty();
  }

  @Test
  void aPoolsSniMustBeAServerName() {
    JsonObject pool = pool("p", "127.0.0.1:6379").put("protocol", "tls");
    pool.put("tls", new JsonObject().put("sni", "bad name!"));
    assertThat(problems(config(new JsonArray(), new JsonArray().add(pool)))).containsExactly(
        "pools[0].tls.sni: 'bad name!' is not a server name to send (a DNS name such as redis.internal)");
    pool.put("tls", new JsonObject().put("sni", "redis.internal"));
    assertThat(problems(config(new JsonArray(), new JsonArray().add(pool)))).isEmpty();
  }

  @Test
  void tlsBelowOnePointTwoIsRefused() {
    JsonObject json = new JsonObject()
        .put("certificates", new JsonArray())
        .put("listeners", new JsonArray().add(listener("s", 1, "p").put("protocol", "tls")
            .put("tls", new JsonObject().put("certificates", new JsonArray()).put("minVersion", "TLSv1.1"))))
        .put("pools", new JsonArray().add(pool("p", "127.0.0.1:1")));
    assertThat(problems(json)).contains(
        "listeners[0].tls.minVersion: TLSv1.1 is refused: TLSv1.2 is the floor",
        "listeners[0].tls.certificates: name at least one certificate entry");
  }

  @Test
  void wrongTypesAreProblemsNotCrashes() {
    JsonObject json = new JsonObject().put("listeners", "none").put("pools", new JsonArray().add(42))
        .put("admin", new JsonObject().put("port", "nine"));
    assertThat(problems(json)).containsExactly(
        "admin.port: expected a whole number, found 'nine'",
        "pools[0]: expected an object, found 42",
        "listeners: expected a list, found 'none'");
  }

  @Test
  void parseThrowsWithEveryProblem() {
    assertThatThrownBy(() -> ConfigParser.parse(new JsonObject().put("x", 1).put("y", 2), dir))
        .isInstanceOfSatisfying(InvalidConfigException.class,
            e -> assertThat(e.problems()).extracting(Problem::path).containsExactly("x", "y"));
  }
}
