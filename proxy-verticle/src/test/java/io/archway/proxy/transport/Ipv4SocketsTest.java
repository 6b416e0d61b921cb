package io.archway.proxy.transport;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.Streams;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On epoll, the gateway's sockets at IPv4 addresses are IPv4 sockets (listed in /proc/net/tcp), not
 * dual-stack ones (/proc/net/tcp6): a listener's listening socket and the connections it accepts
 * ({@link ListenerSockets}), and the connections to a target given as an IPv4 address, for the TCP
 * relay's connector and for the HTTP pools' kept-alive connections ({@link TargetSockets}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Ipv4SocketsTest {

  private static final String ESTABLISHED = "01";
  private static final String LISTEN = "0A";


  private Gateway gateway;
  private ServerSocket target;
  private final int port = Ports.free();

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Gateway.NATIVE_AVAILABLE, "native epoll is not available here");
    gateway = Gateway.start(1, true);
    target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) gateway.close();
    if (target != null) target.close();
  }

  @Test
  void aListenerAtAnIpv4AddressListensAndAcceptsOnIpv4Sockets() throws Exception {
    String address = "127.0.0.1:" + target.getLocalPort();
    gateway.apply(config(listener("a", port, "p"), pool("p", address)));
    gateway.healthy("p", address);
    assertThat(table(port, LISTEN)).isEqualTo("/proc/net/tcp");
    try (Socket client = Streams.connect(port); Socket accepted = target.accept()) {
      client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(accepted.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
      // The client's connection as the gateway accepted it: local port the listener's.
      assertThat(table(port, ESTABLISHED)).isEqualTo("/proc/net/tcp");
    }
  }

  @Test
  void theRelaysConnectionToAnIpv4TargetIsAnIpv4Socket() throws Exception {
    String address = "127.0.0.1:" + target.getLocalPort();
    gateway.apply(config(listener("a", port, "p"), pool("p", address)));
    gateway.healthy("p", address);
    try (Socket client = Streams.connect(port); Socket accepted = target.accept()) {
      client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(accepted.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
      // The target's peer is the gateway's socket: its port is that socket's local port.
      assertThat(table(accepted.getPort(), ESTABLISHED)).isEqualTo("/proc/net/tcp");
    }
  }

  @Test
  void anHttpPoolsConnectionToAnIpv4TargetIsAnIpv4Socket() throws Exception {
    String address = "127.0.0.1:" + target.getLocalPort();
    JsonObject listener = listener("web", port, "p").put("protocol", "http");
    gateway.apply(config(listener, pool("p", address).put("protocol", "http")));
    gateway.healthy("p", address);
    try (Socket client = Streams.connect(port)) {
      client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      try (Socket accepted = target.accept()) {
        InputStream in = accepted.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
        OutputStream out = accepted.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(Streams.read(client.getInputStream(), 12)).isEqualTo("HTTP/1.1 200");
        assertThat(table(accepted.getPort(), ESTABLISHED)).isEqualTo("/proc/net/tcp");
      }
    }
  }

  /** The table that lists a socket in {@code state} whose local port is {@code port}: tcp (IPv4) or tcp6. */
  private static String table(int port, String state) throws IOException {
    String local = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) continue;
      boolean listed = Files.readAllLines(path).stream().skip(1)
          .map(line -> line.trim().split("\\s+"))
          .anyMatch(f -> f[1].endsWith(local) && f[3].equals(state));
      if (listed) return table;
    }
    return "neither";
  }
}
