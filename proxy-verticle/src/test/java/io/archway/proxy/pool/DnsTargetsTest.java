package io.archway.proxy.pool;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.FakeDns;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.vertx.core.dns.AddressResolverOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A target given by DNS name in a pool with {@code resolveInterval}: each address the name resolves to
 * (through a real DNS server on loopback) is a target, followed as the records change, and a failed
 * lookup keeps the last good addresses.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsTargetsTest {

  private final int port = Ports.free();
  private final List<ServerSocket> servers = new ArrayList<>();
  private FakeDns dns;
  private Gateway gateway;
  private int backendPort;

  @BeforeEach
  void start() throws Exception {
    dns = new FakeDns();
    gateway = Gateway.start(new AddressResolverOptions()
        .addServer("127.0.0.1:" + dns.port())
        .setCacheMaxTimeToLive(0)
        .setQueryTimeout(300)
        .setMaxQueries(1)
        .setNdots(1)
        .setSearchDomains(List.of()));
    // One backend port on two loopback addresses, each greeting with its own address.
    ServerSocket first = backend("127.0.0.2", 0);
    backendPort = first.getLocalPort();
    backend("127.0.0.3", backendPort);
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    dns.close();
    for (ServerSocket s : servers) s.close();
  }

  @Test
  void eachResolvedAddressIsATargetAndChangesAreFollowed() throws Exception {
    dns.set("svc.test", "127.0.0.2");
    String target = "svc.test:" + backendPort;
    gateway.healthy("p", target);
    gateway.apply(config(listener("l", port, "p"),
        pool("p", target).put("resolveInterval", "200ms").put("retries", 0)));
    assertThat(seen(6)).containsExactly("127.0.0.2");

    dns.set("svc.test", "127.0.0.2", "127.0.0.3");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen(6).size() == 2);
    // Round robin over the two addresses of the one configured target.
    assertThat(seen(4)).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");
    assertThat(gateway.awaitAccessLine(l -> true).getString("target")).isEqualTo(target);

    // Lookups fail: the last good addresses stay.
    dns.fail("svc.test", true);
    int queries = dns.queries();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> dns.queries() >= queries + 6);
    assertThat(seen(6)).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");

    dns.fail("svc.test", false);
    dns.set("svc.test", "127.0.0.3");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen(6).equals(Set.of("127.0.0.3")));
  }

  @Test
  void withoutResolveIntervalTheNameIsResolvedAtEachConnect() throws Exception {
    dns.set("svc.test", "127.0.0.3");
    String target = "svc.test:" + backendPort;
    gateway.healthy("p", target);
    gateway.apply(config(listener("l", port, "p"), pool("p", target)));
    assertThat(seen(3)).containsExactly("127.0.0.3");
  }

  /** The addresses of the backends that {@code n} clients reached. */
  private Set<String> seen(int n) throws Exception {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < n; i++) {
      try (Socket client = Streams.connect(port)) {
        StringBuilder s = new StringBuilder();
        for (int c; (c = client.getInputStream().read()) >= 0 && c != '\n'; ) s.append((char) c);
        out.add(s.toString());
      }
    }
    return out;
  }

  private ServerSocket backend(String host, int port) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 50);
    servers.add(server);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.getOutputStream().write((host + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          return;
        }
      }
    }, "dns-backend-" + host);
    t.setDaemon(true);
    t.start();
    return server;
  }
}
