package io.archway.proxy.relay;

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
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an idle relayed connection keeps alive: once relaying, neither of its two channels holds Vert.x's
 * connection object (whose queues alone cost about 5 KB per socket). Counted with a live-object
 * histogram of this JVM, whose clients and backend use plain sockets, so that every Vert.x socket
 * counted is the gateway's.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdleFootprintTest {

  private static final int CONNECTIONS = 200;
  private static final String VERTX_SOCKET = "io.vertx.core.net.impl.NetSocketImpl";

  @Test
  void idleRelayedConnectionsHoldNoVertxConnection() throws Exception {
    int port = Ports.free();
    List<Socket> clients = new ArrayList<>();
    try (TcpBackend backend = TcpBackend.echo(); Gateway gateway = Gateway.start(1, false)) {
      gateway.healthy("p", backend.address());
      gateway.apply(config(listener("l", port, "p"), pool("p", backend.address())));
      long before = liveInstances(VERTX_SOCKET);
      for (int i = 0; i < CONNECTIONS; i++) {
        Socket client = Streams.connect(port);
        clients.add(client);
        Streams.write(client.getOutputStream(), "a");
        assertThat(Streams.read(client.getInputStream(), 1)).isEqualTo("a");
      }

      long held = liveInstances(VERTX_SOCKET) - before;
      // Without detaching: two per connection (client and backend side), 400 in all.
      assertThat(held).isLessThan(CONNECTIONS / 10);

      // And every relay still works both ways after the idle spell.
      for (Socket client : clients) {
        Streams.write(client.getOutputStream(), "b");
        assertThat(Streams.read(client.getInputStream(), 1)).isEqualTo("b");
      }
      for (Socket client : clients) client.close();
      Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
          gateway.accessLog().stream().filter(l -> "client_close".equals(l.getString("termination"))).count()
              == CONNECTIONS);
      assertThat(gateway.gauge(MetricNames.LISTENER_CONNECTIONS_ACTIVE, "listener", "l")).isZero();
    } finally {
      for (Socket client : clients) client.close();
    }
  }

  /** Live instances of {@code className} after a full GC, from the JVM's class histogram. */
  private static long liveInstances(String className) throws Exception {
    var server = ManagementFactory.getPlatformMBeanServer();
    String histogram = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
    for (String line : histogram.split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length >= 4 && cols[3].equals(className)) return Long.parseLong(cols[1]);
    }
    return 0;
  }
}
