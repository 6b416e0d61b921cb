package io.archway.launcher.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;

/**
 * The small backends of {@code archway demo}: a TCP echo on 127.0.0.1:17000 and an HTTP hello on
 * 127.0.0.1:18081, the targets of conf/demo.yaml, so a newcomer sees traffic flow at once.
 */
public final class DemoBackends {

  public static final int ECHO_PORT = 17000;
  public static final int HELLO_PORT = 18081;

  private DemoBackends() {}

  /** Completes when both backends listen. */
  public static Future<Void> start(Vertx vertx) {
    Future<?> echo = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1"))
        .connectHandler(socket -> socket.pipeTo(socket))
        .listen(ECHO_PORT);
    Future<?> hello = vertx.createHttpServer()
        .requestHandler(req -> req.response()
            .putHeader("content-type", "text/plain; charset=utf-8")
            .end("Hello from the Archway demo backend: you asked for " + req.path() + "\n"))
        .listen(HELLO_PORT, "127.0.0.1");
    return Future.all(echo, hello).mapEmpty();
  }
}
