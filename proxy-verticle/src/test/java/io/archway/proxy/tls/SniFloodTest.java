package io.archway.proxy.tls;

import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.EchoBackend;
import io.archway.core.testing.Ports;
import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.archway.core.testing.TestPki.KeyFormat;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.TlsClients;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handshakes with random, never-configured server names must not grow the heap (the lesson of the
 * 5.0.7 SNI cache). A few hundred in the normal run; {@code -Darchway.sniFlood=100000} (see
 * bench/tls-sni-flood.sh) for the full check.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class SniFloodTest {

  private static final int HANDSHAKES = Integer.getInteger("archway.sniFlood", 300);
  /** Generous for noise; a context per name would cost tens of KiB each. */
  private static final long MAX_GROWTH = Math.max(24L << 20, HANDSHAKES * 2_048L / 10);

  @TempDir Path dir;

  @Test
  void randomServerNamesDoNotGrowTheHeap() throws Exception {
    TestPki pki = TestPki.create("flood-ca");
    Issued web = pki.issue("web.example.com");
    TestPki.write(web, dir.resolve("web.pem"), dir.resolve("web-key.pem"), KeyFormat.PKCS8);
    int port = Ports.free();
    // A Vert.x backend, not TcpBackend, which keeps every socket it accepted and would be the growth.
    Vertx backendVertx = Vertx.vertx();
    try (EchoBackend backend = EchoBackend.start(backendVertx).await(); Gateway gateway = Gateway.start()) {
      gateway.healthy("p", backend.address());
      gateway.apply(new JsonObject()
          .put("accessLog", new JsonObject().put("enabled", false))
          .put("certificates", new JsonArray().add(new JsonObject().put("name", "web")
              .put("cert", dir.resolve("web.pem").toString()).put("key", dir.resolve("web-key.pem").toString())))
          .put("listeners", new JsonArray().add(listener("s", port, "p").put("protocol", "tls")
              .put("tls", new JsonObject().put("certificates", new JsonArray().add("web")))))
          .put("pools", new JsonArray().add(pool("p", backend.address()))));
      SSLContext ctx = TlsClients.context(pki.ca(), null);
      // The client side is in this JVM too: its session cache (20480 sessions by default) would count.
      ctx.getClientSessionContext().setSessionCacheSize(1);
      // Warm up first, so that class loading and pools do not count as growth.
      handshakes(ctx, port, Math.min(200, HANDSHAKES), new SplittableRandom(1));
      long before = usedAfterGc();
      handshakes(ctx, port, HANDSHAKES, new SplittableRandom(2));
      long growth = usedAfterGc() - before;
      System.err.printf("SNI flood: %d handshakes with random names, heap growth %d KiB (limit %d KiB)%n",
          HANDSHAKES, growth >> 10, MAX_GROWTH >> 10);
      assertThat(growth).isLessThan(MAX_GROWTH);
    } finally {
      backendVertx.close().await();
    }
  }

  private static void handshakes(SSLContext ctx, int port, int n, SplittableRandom random) throws Exception {
    for (int i = 0; i < n; i++) {
      String name = "h" + Long.toHexString(random.nextLong()) + ".random.example";
      try (SSLSocket s = TlsClients.connect(ctx, port, name)) {
        assertThat(s.getSession().getProtocol()).isNotEmpty();
      }
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
