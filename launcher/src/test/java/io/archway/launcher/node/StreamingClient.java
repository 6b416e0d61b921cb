package io.archway.launcher.node;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long-lived connection through an echo listener that streams random bytes until told to stop, and
 * checks that every byte came back in order (SHA-256 of what was sent against what was received).
 */
final class StreamingClient implements AutoCloseable {

  private static final long MAX_MILLIS = 120_000;

  private final Socket socket = new Socket();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final MessageDigest sentDigest;
  private final MessageDigest receivedDigest;
  private final Thread writer;
  private final Thread reader;
  private volatile Throwable failure;

  StreamingClient(String host, int port) throws Exception {
    socket.connect(new InetSocketAddress(host, port), 2000);
    socket.setSoTimeout(30_000);
    sentDigest = MessageDigest.getInstance("SHA-256");
    receivedDigest = MessageDigest.getInstance("SHA-256");
    writer = new Thread(this::write, "streaming-writer");
    reader = new Thread(this::read, "streaming-reader");
    reader.start();
    writer.start();
  }

  private void write() {
    Random random = new Random(42);
    byte[] chunk = new byte[16 * 1024];
    long deadline = System.currentTimeMillis() + MAX_MILLIS;
    try {
      OutputStream out = socket.getOutputStream();
      while (!stop.get() && System.currentTimeMillis() < deadline) {
        random.nextBytes(chunk);
        out.write(chunk);
        sentDigest.update(chunk);
        sent.addAndGet(chunk.length);
        Thread.sleep(2); // about 8 MB/s: steady traffic, not a load test
      }
      socket.shutdownOutput();
    } catch (Throwable e) {
      failure = e;
    }
  }

  private void read() {
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = socket.getInputStream();
      int n;
      while ((n = in.read(buffer)) != -1) {
        receivedDigest.update(buffer, 0, n);
        received.addAndGet(n);
      }
    } catch (Throwable e) {
      failure = e;
    }
  }

  long received() {
    return received.get();
  }

  /** Stops sending, waits for the echo of everything sent, and says what differs (null when nothing). */
  String finish() throws InterruptedException {
    stop.set(true);
    writer.join(30_000);
    reader.join(30_000);
    if (failure != null) return "stream failed after " + received.get() + " bytes: " + failure;
    if (sent.get() != received.get()) return "sent " + sent.get() + " bytes, received " + received.get();
    String a = HexFormat.of().formatHex(sentDigest.digest());
    String b = HexFormat.of().formatHex(receivedDigest.digest());
    return a.equals(b) ? null : "same length " + sent.get() + " but different bytes";
  }

  long sent() {
    return sent.get();
  }

  @Override
  public void close() throws Exception {
    stop.set(true);
    socket.close();
  }
}
