package io.archway.core.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP echo server on loopback for tests: writes back every byte it reads, with backpressure,
 * and optionally greets each connection with a banner (so tests can tell targets apart).
 */
public final class EchoBackend implements AutoCloseable {

  private final NetServer server;
  private final AtomicInteger connections;

  private EchoBackend(NetServer server, AtomicInteger connections) {
    this.server = server;
    this.connections = connections;
  }

  /** Completes once the server listens on {@code host} and an ephemeral port. */
  public static Future<EchoBackend> start(Vertx vertx, String host, String banner) {
    return start(vertx, host, 0, banner);
  }

  /** Completes once the server listens on {@code host:port}, for a target that comes up later. */
  public static Future<EchoBackend> startOn(Vertx vertx, String host, int port) {
    return start(vertx, host, port, null);
  }

  private static Future<EchoBackend> start(Vertx vertx, String host, int port, String banner) {
    AtomicInteger connections = new AtomicInteger();
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port));
    server.connectHandler(socket -> {
      connections.incrementAndGet();
      if (banner != null) socket.write(banner);
      socket.pipeTo(socket);
    });
    return server.listen().map(s -> new EchoBackend(server, connections));
  }

  public static Future<EchoBackend> start(Vertx vertx) {
    return start(vertx, "127.0.0.1", null);
  }

  public int port() {
    return server.actualPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  /** How many connections this backend accepted so far. */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
