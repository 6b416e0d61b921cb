package io.archway.proxy.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on loopback UDP for tests: answers A queries for the names it is given (TTL 0), with
 * SERVFAIL for names it is told to fail, and an empty answer for anything else. Real packets over a
 * real socket, so the gateway's own resolver is what the test exercises.
 */
public final class FakeDns implements AutoCloseable {

  private final DatagramSocket socket;
  private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();
  private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();
  private final Thread thread;

  public FakeDns() throws SocketException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    thread = new Thread(this::serve, "fake-dns");
    thread.setDaemon(true);
    thread.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** {@code name} answers these IPv4 addresses from now on. */
  public void set(String name, String... addresses) throws IOException {
    List<InetAddress> list = new java.util.ArrayList<>();
    for (String a : addresses) list.add(InetAddress.getByName(a));
    records.put(name.toLowerCase(), List.copyOf(list));
  }

  /** Whether queries for {@code name} fail (SERVFAIL). */
  public void fail(String name, boolean fail) {
    failing.put(name.toLowerCase(), fail);
  }

  public int queries() {
    return queries.get();
  }

  private void serve() {
    byte[] buf = new byte[512];
    while (!socket.isClosed()) {
      try {
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        socket.receive(in);
        queries.incrementAndGet();
        byte[] reply = answer(ByteBuffer.wrap(in.getData(), 0, in.getLength()));
        if (reply != null) socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
      } catch (IOException | RuntimeException e) {
        if (socket.isClosed()) return;
      }
    }
  }

  private byte[] answer(ByteBuffer q) {
    short id = q.getShort();
    short flags = q.getShort();
    int qd = q.getShort() & 0xffff;
    q.position(12);
    if (qd != 1) return null;
    StringBuilder name = new StringBuilder();
    for (int len; (len = q.get() & 0xff) != 0; ) {
      if (name.length() > 0) name.append('.');
      byte[] label = new byte[len];
      q.get(label);
      name.append(new String(label, java.nio.charset.StandardCharsets.US_ASCII));
    }
    int type = q.getShort() & 0xffff;
    q.getShort();
    int questionEnd = q.position();
    String key = name.toString().toLowerCase();
    boolean fail = failing.getOrDefault(key, false);
    List<InetAddress> addresses = type == 1 && !fail ? records.getOrDefault(key, List.of()) : List.of();
    ByteBuffer out = ByteBuffer.allocate(512);
    out.putShort(id);
    // Response, recursion desired copied, recursion available; rcode 2 (SERVFAIL) or 0.
    out.putShort((short) (0x8180 | (flags & 0x0100) | (fail ? 2 : 0)));
    out.putShort((short) 1).putShort((short) addresses.size()).putShort((short) 0).putShort((short) 0);
    out.put(q.array(), q.arrayOffset() + 12, questionEnd - 12);
    for (InetAddress a : addresses) {
      out.putShort((short) 0xC00C).putShort((short) 1).putShort((short) 1).putInt(0).putShort((short) 4).put(a.getAddress());
    }
    byte[] reply = new byte[out.position()];
    out.flip();
    out.get(reply);
    return reply;
  }

  @Override
  public void close() {
    socket.close();
  }
}
