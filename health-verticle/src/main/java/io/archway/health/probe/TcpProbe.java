package io.archway.health.probe;

import io.archway.core.config.HostPort;
import io.archway.core.config.ProxyProtocol;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Future;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One TCP connect probe: the target is up when it accepts a connection within the timeout. */
public final class TcpProbe implements Check {

  private final NetClient client;
  /** A PROXY header sent before closing, or null. */
  private final byte[] header;

  public TcpProbe(NetClient client) {
    this(client, null);
  }

  /** A probe that sends a PROXY header without addresses ({@code version} null: none) before it closes. */
  public TcpProbe(NetClient client, ProxyProtocol version) {
    this.client = client;
    this.header = ProbeHeader.of(version);
  }

  /** Succeeds once {@code target} accepted a connection (closed right away); fails with the reason otherwise. */
  @Override
  public Future<Void> check(HostPort target, Duration timeout) {
    long millis = Math.max(1, timeout.toMillis());
    Future<NetSocket> connect = client.connect(new ConnectOptions()
        .setHost(target.host())
        .setPort(target.port())
        .setTimeout((int) Math.min(Integer.MAX_VALUE, millis)));
    // A connection that completes after the timeout fired must still be closed, not leaked.
    connect.onSuccess(socket -> {
      if (header == null) {
        socket.close();
      } else {
        socket.write(Buffer.buffer(header)).onComplete(written -> socket.close());
      }
    });
    // The connect timeout does not cover name resolution; the outer timeout bounds the whole probe.
    return connect.timeout(millis, TimeUnit.MILLISECONDS).<Void>mapEmpty().recover(e -> Future.failedFuture(
        e instanceof TimeoutException ? new TimeoutException("no connection within " + millis + "ms") : e));
  }
}
