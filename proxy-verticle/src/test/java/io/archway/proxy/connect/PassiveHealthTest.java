package io.archway.proxy.connect;

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
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Passive health: consecutive connect failures take a target out of every event loop's rotation for a
 * cool-down, though the probes' view still calls it healthy; then it is tried again.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PassiveHealthTest {

  private final int port = Ports.free();
  private Gateway gateway;
  private TcpBackend up;
  private final String down = "127.0.0.1:" + Ports.closed();

  @BeforeEach
  void start() throws Exception {
    gateway = Gateway.start();
    up = TcpBackend.banner("UP\n");
    gateway.healthy("p", down, up.address());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    up.close();
  }

  @Test
  void consecutiveFailuresTakeATargetOutForTheCoolDown() throws Exception {
    apply("1h");
    for (int i = 0; i < 40; i++) assertThat(greeting()).isEqualTo("UP");
    // Two failures (on whichever event loops) and it is out on all of them: no third attempt.
    assertThat(errors()).isEqualTo(2);
    assertThat(gateway.accessLog().stream().filter(l -> !"client_close".equals(l.getString("termination"))
        && !"backend_close".equals(l.getString("termination")))).isEmpty();
  }

  @Test
  void afterTheCoolDownTheTargetIsTriedAgain() throws Exception {
    apply("300ms");
    for (int i = 0; i < 10; i++) assertThat(greeting()).isEqualTo("UP");
    assertThat(errors()).isEqualTo(2);
    // Once the cool-down has passed, clients reach the target again (and it fails again: two more).
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
      assertThat(greeting()).isEqualTo("UP");
      return errors() >= 4;
    });
  }

  @Test
  void withoutPassiveHealthEveryClientPaysForTheDeadTarget() throws Exception {
    gateway.apply(config(listener("l", port, "p"), pool("p", down, up.address()).put("retries", 1)));
    for (int i = 0; i < 20; i++) assertThat(greeting()).isEqualTo("UP");
    assertThat(errors()).isGreaterThanOrEqualTo(8);
  }

  private void apply(String coolDown) throws Exception {
    JsonObject pool = pool("p", down, up.address()).put("retries", 1)
        .put("passiveHealth", new JsonObject().put("failures", 2).put("coolDown", coolDown));
    gateway.apply(config(listener("l", port, "p"), pool));
  }

  private double errors() {
    return gateway.counter(MetricNames.BACKEND_CONNECT_ERRORS, "pool", "p", "target", down);
  }

  private String greeting() throws Exception {
    try (Socket client = Streams.connect(port)) {
      StringBuilder name = new StringBuilder();
      for (int c; (c = client.getInputStream().read()) >= 0 && c != '\n'; ) name.append((char) c);
      return name.toString();
    }
  }
}
