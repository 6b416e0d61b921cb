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

  /** Completes when both backends listen; fails naming the port that one of them cannot take. */
  public static Future<Void> start(Vertx vertx) {
    Future<?> echo = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1"))
        .connectHandler(socket -> socket.pipeTo(socket))
        .listen(ECHO_PORT)
        .recover(e -> cannotListen("echo", ECHO_PORT, e));
    Future<?> hello = vertx.createHttpServer()
        .requestHandler(req -> req.response()
            .putHeader("content-type", "text/plain; charset=utf-8")
            .end("Hello from the Archway demo backend: you asked for " + req.path() + "\n"))
        .listen(HELLO_PORT, "127.0.0.1")
        .recover(e -> cannotListen("HTTP", HELLO_PORT, e));
    return Future.all(echo, hello).mapEmpty();
  }

  private static <T> Future<T> cannotListen(String which, int port, Throwable e) {
    return Future.failedFuture(new IllegalStateException("the demo's " + which + " backend cannot listen on 127.0.0.1:"
        + port + " (" + e.getMessage() + "): stop what listens there and start the demo again"));
  }
}
