package io.archway.proxy.http;

import io.archway.core.config.ListenerConfig;
import io.archway.proxy.listener.RunningListener;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;

/**
 * An {@code http} or {@code https} listener, whichever path serves it: {@link PlainHttpListener} (plain
 * HTTP/1.x and h2c forwarded at the Netty level) or {@link HttpListener} (Vert.x's HTTP server: https,
 * HTTP/2 pools). Its {@link HttpListener.Shape} says which, and what a change must rebind for.
 */
public interface HttpFront extends RunningListener {

  HttpListener.Shape shape();

  /**
   * Takes a new config with the same shape: new requests get its routes, headers and pages; requests
   * in flight finish with what they started with. Fails (and changes nothing) when an error page
   * cannot be read.
   */
  void update(ListenerConfig config, boolean logEnabled, ServerSSLOptions ssl, Object sslVersion) throws IOException;
}
