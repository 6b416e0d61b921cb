package io.archway.proxy.proxyprotocol;

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
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The PROXY header: the exact bytes a target receives (v1, v2, IPv4, IPv6), and listeners that accept one. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolTest {

  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private final int port = Ports.free();
  private final List<byte[]> received = new CopyOnWriteArrayList<>();
  private Gateway gateway;
  private TcpBackend backend;

  @BeforeEach
  void start() throws Exception {
    gateway = Gateway.start();
    // Records everything a connection brings until the client's end, then answers "ok".
    backend = TcpBackend.start(socket -> {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) >= 0; ) all.write(buf, 0, n);
      received.add(all.toByteArray());
      socket.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
    });
    gateway.healthy("p", backend.address());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    backend.close();
  }

  @Test
  void v1HeaderCarriesAnIpv4ClientsAddressAndTheListenersAddress() throws Exception {
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address()).put("proxyProtocol", "v1")));

    try (Socket client = client("127.0.0.7", "127.0.0.1")) {
      String expected = "PROXY TCP4 127.0.0.7 127.0.0.1 " + client.getLocalPort() + " " + port + "\r\nhello";
      assertThat(exchange(client, "hello")).isEqualTo("ok");
      assertThat(new String(awaitReceived(), StandardCharsets.US_ASCII)).isEqualTo(expected);
    }
  }

  @Test
  void v2HeaderCarriesAnIpv4ClientInBinary() throws Exception {
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address()).put("proxyProtocol", "v2")));

    try (Socket client = client("127.0.0.7", "127.0.0.1")) {
      assertThat(exchange(client, "hello")).isEqualTo("ok");
      ByteBuffer expected = ByteBuffer.allocate(16 + 12 + 5);
      expected.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12)
          .put(new byte[] {127, 0, 0, 7}).put(new byte[] {127, 0, 0, 1})
          .putShort((short) client.getLocalPort()).putShort((short) port)
          .put("hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(awaitReceived()).isEqualTo(expected.array());
    }
  }

  @Test
  void v1AndV2HeadersCarryAnIpv6Client() throws Exception {
    JsonObject l = listener("l", port, "p").put("host", "::1");
    gateway.apply(config(l, pool("p", backend.address()).put("proxyProtocol", "v1")));
    try (Socket client = client("::1", "::1")) {
      assertThat(exchange(client, "hello")).isEqualTo("ok");
      assertThat(new String(awaitReceived(), StandardCharsets.US_ASCII))
          .isEqualTo("PROXY TCP6 ::1 ::1 " + client.getLocalPort() + " " + port + "\r\nhello");
    }

    received.clear();
    gateway.apply(config(l, pool("p", backend.address()).put("proxyProtocol", "v2")));
    try (Socket client = client("::1", "::1")) {
      assertThat(exchange(client, "hello")).isEqualTo("ok");
      byte[] loopback = InetAddress.getByName("::1").getAddress();
      ByteBuffer expected = ByteBuffer.allocate(16 + 36 + 5);
      expected.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x21).putShort((short) 36)
          .put(loopback).put(loopback).putShort((short) client.getLocalPort()).putShort((short) port)
          .put("hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(awaitReceived()).isEqualTo(expected.array());
    }
  }

  @Test
  void anAcceptedV1HeaderIsTheClientForTheTargetAndTheAccessLog() throws Exception {
    gateway.apply(config(listener("l", port, "p").put("acceptProxyProtocol", true),
        pool("p", backend.address()).put("proxyProtocol", "v1")));

    try (Socket client = client(null, "127.0.0.1")) {
      String in = "PROXY TCP4 203.0.113.7 198.51.100.1 40000 6380\r\nhello";
      assertThat(exchange(client, in)).isEqualTo("ok");
    }
    assertThat(new String(awaitReceived(), StandardCharsets.US_ASCII))
        .isEqualTo("PROXY TCP4 203.0.113.7 198.51.100.1 40000 6380\r\nhello");
    assertThat(gateway.awaitAccessLine(l -> true).getString("client")).isEqualTo("203.0.113.7:40000");
  }

  @Test
  void anAcceptedV2HeaderMaySpanSegmentsAndCarryIpv6() throws Exception {
    gateway.apply(config(listener("l", port, "p").put("acceptProxyProtocol", true),
        pool("p", backend.address()).put("proxyProtocol", "v1")));
    byte[] src = InetAddress.getByName("2001:db8::7").getAddress();
    byte[] dst = InetAddress.getByName("2001:db8::1").getAddress();
    ByteBuffer header = ByteBuffer.allocate(16 + 36);
    header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x21).putShort((short) 36)
        .put(src).put(dst).putShort((short) 50000).putShort((short) 443);

    try (Socket client = client(null, "127.0.0.1")) {
      client.getOutputStream().write(header.array(), 0, 10);
      client.getOutputStream().flush();
      Thread.sleep(50);
      client.getOutputStream().write(header.array(), 10, header.capacity() - 10);
      assertThat(exchange(client, "hello")).isEqualTo("ok");
    }
    assertThat(new String(awaitReceived(), StandardCharsets.US_ASCII))
        .isEqualTo("PROXY TCP6 2001:db8::7 2001:db8::1 50000 443\r\nhello");
  }

  @Test
  void aMalformedOrMissingHeaderClosesTheClientAndIsCounted() throws Exception {
    gateway.apply(config(listener("l", port, "p").put("acceptProxyProtocol", true).put("idleTimeout", "1s"),
        pool("p", backend.address())));

    for (String bad : List.of("PROXY TCP4 999.1.1.1 10.0.0.1 1 2\r\n", "GET / HTTP/1.0\r\n\r\n")) {
      try (Socket client = client(null, "127.0.0.1")) {
        client.getOutputStream().write(bad.getBytes(StandardCharsets.US_ASCII));
        assertThat(Streams.closedByPeer(client)).as(bad).isTrue();
      }
    }
    // Silent: closed once the header's deadline (here the listener's 1s idle timeout) passes.
    try (Socket client = client(null, "127.0.0.1")) {
      assertThat(Streams.closedByPeer(client)).isTrue();
    }

    Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
        gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "l", "reason", "proxy_protocol") == 3);
    assertThat(gateway.accessLog()).extracting(l -> l.getString("termination")).containsOnly("rejected");
    assertThat(backend.connections()).isZero();
  }

  @Test
  void firstBytesThatCannotBeginAHeaderCloseTheClientAtOnceNotAtTheDeadline() throws Exception {
    // No line end: Netty's decoder alone would wait for one until the 10 s deadline.
    gateway.apply(config(listener("l", port, "p").put("acceptProxyProtocol", true), pool("p", backend.address())));
    long start = System.nanoTime();
    for (String bad : List.of("hello", "PROXX", "\r\n\r\nX")) {
      try (Socket client = client(null, "127.0.0.1")) {
        client.getOutputStream().write(bad.getBytes(StandardCharsets.US_ASCII));
        assertThat(Streams.closedByPeer(client)).as(bad).isTrue();
      }
    }
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
    Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
        gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "l", "reason", "proxy_protocol") == 3);
    assertThat(backend.connections()).isZero();
  }

  @Test
  void aClientThatHalfClosesBeforeItsHeaderIsClosedAtOnceNotAtTheDeadline() throws Exception {
    // The relay allows half-closure, so the FIN is an event, not a close: it must still end the wait.
    gateway.apply(config(listener("l", port, "p").put("acceptProxyProtocol", true), pool("p", backend.address())));
    long start = System.nanoTime();
    try (Socket client = client(null, "127.0.0.1")) {
      client.getOutputStream().write("PROXY TCP4 203.0".getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();
      assertThat(Streams.closedByPeer(client)).isTrue();
    }
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
    Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
        gateway.counter(MetricNames.LISTENER_REJECTED, "listener", "l", "reason", "proxy_protocol") == 1);
    assertThat(backend.connections()).isZero();
  }

  @Test
  void aHeaderOnAListenerThatDoesNotAcceptOneIsJustData() throws Exception {
    gateway.apply(config(listener("l", port, "p"), pool("p", backend.address())));
    String data = "PROXY TCP4 203.0.113.7 198.51.100.1 40000 6380\r\nhello";
    try (Socket client = client(null, "127.0.0.1")) {
      assertThat(exchange(client, data)).isEqualTo("ok");
    }
    assertThat(new String(awaitReceived(), StandardCharsets.US_ASCII)).isEqualTo(data);
    assertThat(gateway.awaitAccessLine(l -> true).getString("client")).startsWith("127.0.0.1:");
  }

  @Test
  void sourceHashUsesTheAddressFromTheHeader() throws Exception {
    TcpBackend other = TcpBackend.banner("B\n");
    TcpBackend first = TcpBackend.banner("A\n");
    try {
      gateway.healthy("h", first.address(), other.address());
      gateway.apply(config(listener("l", port, "h").put("acceptProxyProtocol", true),
          pool("h", first.address(), other.address()).put("balance", "source-hash")));
      java.util.Map<String, String> seen = new java.util.HashMap<>();
      for (int c = 1; c <= 40; c++) {
        for (int i = 0; i < 3; i++) {
          try (Socket client = client(null, "127.0.0.1")) {
            client.getOutputStream().write(("PROXY TCP4 10.9.0." + c + " 10.0.0.1 1234 80\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            String got = line(client);
            String before = seen.putIfAbsent("10.9.0." + c, got);
            if (before != null) assertThat(got).isEqualTo(before);
          }
        }
      }
      // Every connection came from 127.0.0.1; only the header's addresses can spread them.
      assertThat(seen.values()).contains("A", "B");
    } finally {
      first.close();
      other.close();
    }
  }

  private Socket client(String source, String host) throws Exception {
    Socket client = new Socket();
    if (source != null) client.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    client.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5_000);
    client.setSoTimeout(15_000);
    return client;
  }

  /** Sends {@code text}, half-closes, and returns everything the gateway sends back. */
  private static String exchange(Socket client, String text) throws Exception {
    client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    client.shutdownOutput();
    return new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
  }

  private static String line(Socket client) throws Exception {
    StringBuilder s = new StringBuilder();
    for (int c; (c = client.getInputStream().read()) >= 0 && c != '\n'; ) s.append((char) c);
    return s.toString();
  }

  private byte[] awaitReceived() {
    return Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> received.isEmpty() ? null : received.get(0),
        b -> b != null);
  }
}
