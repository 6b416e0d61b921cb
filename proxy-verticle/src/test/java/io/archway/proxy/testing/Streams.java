package io.archway.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Blocking-socket helpers for tests: clients, reproducible random streams, and their SHA-256. */
public final class Streams {

  private Streams() {}

  /** A client socket to the gateway on loopback; reads give up after 20 s so no test hangs. */
  public static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(20_000);
    socket.setTcpNoDelay(true);
    return socket;
  }

  /** Writes {@code size} pseudo-random bytes from {@code seed}; returns their SHA-256. */
  public static String sendRandom(OutputStream out, long seed, long size) throws IOException {
    MessageDigest sha = sha256();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[64 * 1024];
    for (long sent = 0; sent < size; ) {
      int n = (int) Math.min(chunk.length, size - sent);
      for (int i = 0; i < n; i += 8) {
        long v = random.nextLong();
        for (int j = 0; j < 8 && i + j < n; j++) chunk[i + j] = (byte) (v >>> (8 * j));
      }
      sha.update(chunk, 0, n);
      out.write(chunk, 0, n);
      sent += n;
    }
    out.flush();
    return HexFormat.of().formatHex(sha.digest());
  }

  /** What a stream delivered until its end: how many bytes and their SHA-256. */
  public record Received(long bytes, String sha256) {}

  public static Received receiveAll(InputStream in) throws IOException {
    MessageDigest sha = sha256();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      sha.update(buf, 0, n);
      total += n;
    }
    return new Received(total, HexFormat.of().formatHex(sha.digest()));
  }

  /** Reads exactly {@code n} bytes as ASCII. */
  public static String read(InputStream in, int n) throws IOException {
    return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
  }

  public static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** True when the peer closed: the next read returns end of stream or a reset. */
  public static boolean closedByPeer(Socket socket) {
    try {
      return socket.getInputStream().read() < 0;
    } catch (IOException e) {
      return !(e instanceof java.net.SocketTimeoutException);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
