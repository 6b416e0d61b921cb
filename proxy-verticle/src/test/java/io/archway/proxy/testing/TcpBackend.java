package io.archway.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on loopback made of plain blocking sockets, one thread per connection, so that what a
 * test measures of Netty (buffers, memory) is the gateway's alone. Each connection runs a session.
 */
public final class TcpBackend implements AutoCloseable {

  /** What the backend does with one accepted connection. */
  @FunctionalInterface
  public interface Session {
    void run(Socket socket) throws Exception;
  }

  private final ServerSocket server;
  private final Session session;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private TcpBackend(int port, Session session) throws IOException {
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    this.session = session;
    this.acceptor = new Thread(this::acceptLoop, "backend-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static TcpBackend start(Session session) throws IOException {
    return new TcpBackend(0, session);
  }

  /** On a given port: a backend "restarted" where an earlier one ran. */
  public static TcpBackend startOn(int port, Session session) throws IOException {
    return new TcpBackend(port, session);
  }

  /** Writes back every byte, and half-closes when the client does. */
  public static TcpBackend echo() throws IOException {
    return start(TcpBackend::echo);
  }

  /** Greets each connection with {@code banner} (to tell targets apart), then echoes. */
  public static TcpBackend banner(String banner) throws IOException {
    return start(socket -> {
      socket.getOutputStream().write(banner.getBytes(StandardCharsets.US_ASCII));
      echo(socket);
    });
  }

  public static void echo(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
    socket.shutdownOutput();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  public int connections() {
    return connections.get();
  }

  /** Exceptions that sessions threw (a session that expects a clean stream fails the test this way). */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        sockets.add(socket);
        Thread t = new Thread(() -> {
          try (socket) {
            session.run(socket);
          } catch (Throwable e) {
            if (!server.isClosed()) errors.add(e);
          }
        }, "backend-" + port() + "-" + connections.get());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) s.close();
  }
}
