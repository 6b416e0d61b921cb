package io.archway.proxy.abuse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * A client that sends what it is told over a plain socket and reports how the gateway ended the
 * connection. It writes on its own thread while it reads, so that an answer the gateway sends before
 * closing (a 431, say) is read even when the rest of a long input is refused with a reset.
 */
final class BadClient {

  /** What the client saw: the bytes the gateway sent, whether it closed (FIN or reset), and when. */
  record Outcome(byte[] received, boolean closed, long millis) {
    String text() {
      return new String(received, StandardCharsets.ISO_8859_1);
    }
  }

  private BadClient() {}

  /** Sends {@code input}, then waits (sending nothing more) at most {@code bound} for the gateway to close. */
  static Outcome send(int port, byte[] input, Duration bound) throws Exception {
    return send(new Socket(InetAddress.getLoopbackAddress(), port), input, bound);
  }

  /** The same on a socket already open (a TLS socket past its handshake, say); closes it. */
  static Outcome send(Socket open, byte[] input, Duration bound) throws Exception {
    long start = System.nanoTime();
    try (Socket socket = open) {
      socket.setSoTimeout((int) bound.toMillis());
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(socket, input));
      java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
      boolean closed = read(socket.getInputStream(), received, start + bound.toNanos());
      writer.cancel(true);
      return new Outcome(received.toByteArray(), closed, (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Connects and sends nothing. */
  static Outcome silent(int port, Duration bound) throws Exception {
    return send(port, new byte[0], bound);
  }

  private static void write(Socket socket, byte[] input) {
    try {
      OutputStream out = socket.getOutputStream();
      for (int off = 0; off < input.length; off += 64 * 1024) {
        out.write(input, off, Math.min(64 * 1024, input.length - off));
      }
      out.flush();
    } catch (IOException e) {
      // The gateway closed before taking it all: what the reader sees is the outcome.
    }
  }

  /** Reads until end of stream or reset (true) or the deadline (false); keeps at most 64 KiB. */
  private static boolean read(InputStream in, java.io.ByteArrayOutputStream into, long deadline) {
    byte[] buf = new byte[16 * 1024];
    while (System.nanoTime() < deadline) {
      try {
        int n = in.read(buf);
        if (n < 0) return true;
        if (into.size() < 64 * 1024) into.write(buf, 0, n);
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true;
      }
    }
    return false;
  }

  static byte[] garbage(long seed, int size) {
    byte[] out = new byte[size];
    new SplittableRandom(seed).nextBytes(out);
    // A first byte that no protocol here starts with: not a TLS record type, not a method letter, not PROXY.
    out[0] = (byte) 0xff;
    return out;
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) b.put(p);
    return b.array();
  }

  /** A real TLS ClientHello (one record) for {@code sni}, as the JDK's client sends it. */
  static byte[] clientHello(String sni) throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 443);
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    params.setServerNames(java.util.List.of(new SNIHostName(sni)));
    engine.setSSLParameters(params);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    return hello;
  }

  /** The first half of a ClientHello: a record that promises more than it brings. */
  static byte[] halfClientHello() throws Exception {
    byte[] hello = clientHello("web.example.com");
    return java.util.Arrays.copyOf(hello, hello.length / 2);
  }

  /**
   * A ClientHello claiming 16 MiB (its handshake length 0xffffff, the most there is) in a first record
   * of 64 KiB, then filler: 1 MiB in all.
   */
  static byte[] hugeClientHello() {
    byte[] header = {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    return concat(header, new byte[1 << 20]);
  }
}
