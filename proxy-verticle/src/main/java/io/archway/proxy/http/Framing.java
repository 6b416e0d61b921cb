package io.archway.proxy.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;

/**
 * The request smuggling guard of HTTP/1.x: a request whose body length could be read two ways (both
 * {@code Content-Length} and {@code Transfer-Encoding}, a transfer coding other than plain
 * {@code chunked}, several or malformed lengths) is answered 400 and its connection closed; nothing of
 * it reaches a target. Netty's decoder already refuses some of these; this covers the rest.
 */
final class Framing {

  private Framing() {}

  static boolean acceptable(HttpServerRequest request) {
    // HTTP/2 frames its own bodies; Netty checks a content-length against the DATA frames.
    if (request.version() == HttpVersion.HTTP_2) return true;
    List<String> te = request.headers().getAll("transfer-encoding");
    List<String> cl = request.headers().getAll("content-length");
    if (!te.isEmpty() && !cl.isEmpty()) return false;
    if (te.size() > 1) return false;
    if (te.size() == 1 && (request.version() == HttpVersion.HTTP_1_0 || !te.get(0).trim().equalsIgnoreCase("chunked"))) {
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
