package io.archway.proxy.testing;

import io.archway.core.testing.TestPki.Issued;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS target on loopback (JDK engine, one thread per connection): greets each client with its name
 * and the subject of the client's certificate, if any, then echoes.
 */
public final class TlsBackend implements AutoCloseable {

  private final SSLServerSocket server;
  private final String name;
  private final AtomicInteger handshakes = new AtomicInteger();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  private TlsBackend(String name, Issued own, X509Certificate clientCa, boolean needClientAuth) throws Exception {
    this.name = name;
    this.server = TlsClients.server(own, clientCa, needClientAuth);
    Thread t = new Thread(this::acceptLoop, "tls-backend-" + name);
    t.setDaemon(true);
    t.start();
  }

  public static TlsBackend start(String name, Issued own, X509Certificate clientCa, boolean needClientAuth)
      throws Exception {
    return new TlsBackend(name, own, clientCa, needClientAuth);
  }

  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  public int handshakes() {
    return handshakes.get();
  }

  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        SSLSocket socket = (SSLSocket) server.accept();
        Thread t = new Thread(() -> serve(socket), "tls-backend-conn-" + name);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      socket.startHandshake();
      handshakes.incrementAndGet();
      String subject;
      try {
        subject = ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        subject = "-";
      }
      socket.getOutputStream().write((name + " " + subject + "\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      byte[] buf = new byte[8192];
      for (int n; (n = socket.getInputStream().read(buf)) >= 0; ) {
        socket.getOutputStream().write(buf, 0, n);
        socket.getOutputStream().flush();
      }
    } catch (Exception e) {
      if (!server.isClosed()) errors.add(e);
    }
  }

  /** Reads the greeting line of a connection to this backend (through the gateway). */
  public static String greeting(Socket socket) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = socket.getInputStream().read()) >= 0 && c != '\n'; ) line.append((char) c);
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
