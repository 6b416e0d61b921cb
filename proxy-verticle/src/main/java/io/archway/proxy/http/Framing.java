package io.archway.proxy.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.http.impl.Http1xServerConnection;
import java.util.List;
import java.util.Map;

/**
 * The request smuggling guard of HTTP/1.x: a request whose body length could be read two ways (both
 * {@code Content-Length} and {@code Transfer-Encoding}, a transfer coding other than plain
 * {@code chunked}, several or malformed lengths) is answered 400 and its connection closed; nothing of
 * it reaches a target. Netty's decoder refuses some of these itself, but quietly drops the
 * {@code Content-Length} of a request that also says {@code chunked}: {@link #install} swaps in a
 * decoder that refuses it instead. On a Vert.x-path {@code http} listener with h2c on, Vert.x decodes the first
 * request of a connection before the connection handler runs, so there {@link FirstBytes} (put at the
 * head of every such connection by {@link io.archway.proxy.transport.GatewayTransport}) makes the swap
 * as soon as Vert.x has told HTTP/1 from the HTTP/2 preface, before a request can be decoded; the
 * connection handler then finds the strict decoder in place. Every forwarded request is framed anew
 * by the gateway, so the target reads a body exactly as the gateway did.
 */
final class Framing {

  private Framing() {}

  /**
   * Replaces the HTTP/1.x request decoder of a just-accepted connection (before its first request is
   * decoded) with one that fails a request carrying both lengths; Vert.x answers such a request 400
   * and closes the connection. HTTP/2 connections have no such decoder and are left alone, and so is a
   * decoder that is already the strict one (h2c connections get it from {@link FirstBytes}).
   */
  static void install(HttpConnection connection, HttpServerOptions options) {
    if (connection instanceof Http1xServerConnection base) install(base.channel().pipeline(), options);
  }

  /**
   * Puts the strict decoder in place of a pipeline's HTTP/1.x request decoder, under the same name;
   * Netty hands it the bytes the old one held. Nothing to do without one, or when it is strict already.
   */
  static void install(ChannelPipeline pipeline, HttpServerOptions options) {
    for (Map.Entry<String, ChannelHandler> e : pipeline) {
      if (e.getValue() instanceof HttpRequestDecoder && !(e.getValue() instanceof StrictDecoder)) {
        pipeline.replace(e.getValue(), e.getKey(), new StrictDecoder(options));
        return;
      }
    }
  }

  /** A strict request decoder for a pipeline built by the gateway itself ({@link PlainHttpListener}). */
  static HttpRequestDecoder strictDecoder(HttpServerOptions options) {
    return new StrictDecoder(options);
  }

  /** Vert.x's request decoder, but a request with both Content-Length and Transfer-Encoding fails. */
  private static final class StrictDecoder extends VertxHttpRequestDecoder {
    StrictDecoder(HttpServerOptions options) {
      super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new IllegalArgumentException("both Content-Length and Transfer-Encoding: the body length is ambiguous");
    }
  }

  static boolean acceptable(HttpServerRequest request) {
    // HTTP/2 frames its own bodies; Netty checks a content-length against the DATA frames.
    if (request.version() == HttpVersion.HTTP_2) return true;
    return acceptable(request.version() == HttpVersion.HTTP_1_0, request.headers());
  }

  /** Whether an HTTP/1.x request's body length reads one way only. */
  static boolean acceptable(boolean http10, io.vertx.core.MultiMap headers) {
    List<String> te = headers.getAll("transfer-encoding");
    List<String> cl = headers.getAll("content-length");
    if (!te.isEmpty() && !cl.isEmpty()) return false;
    if (te.size() > 1) return false;
    if (te.size() == 1 && (http10 || !te.get(0).trim().equalsIgnoreCase("chunked"))) {
      return false;
    }
    if (cl.size() > 1) return false;
    return cl.isEmpty() || cl.get(0).trim().matches("\\d{1,18}");
  }

  static void reject(HttpServerRequest request) {
    request.response().setStatusCode(400)
        .putHeader("connection", "close")
        .putHeader("content-type", "text/plain; charset=utf-8")
        .end("bad request: ambiguous message length\n")
        .onComplete(done -> request.connection().close());
  }
}
