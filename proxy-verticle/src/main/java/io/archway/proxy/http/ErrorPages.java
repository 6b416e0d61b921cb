package io.archway.proxy.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The bodies of the answers the gateway gives itself (404 no route, 502, 503, 504): a listener's own
 * files, else a short text. Files are read when the listener's config is applied, not per request.
 */
final class ErrorPages {

  /** A larger file is refused at apply: error pages are meant to be small. */
  static final int MAX_BYTES = 256 * 1024;

  private static final Map<Integer, String> TEXT = Map.of(
      404, "no route for this request\n",
      502, "bad gateway: the target could not be reached\n",
      503, "service unavailable: no healthy target\n",
      504, "gateway timeout: the target did not answer in time\n");

  private final Map<Integer, Page> pages;

  private record Page(byte[] body, String contentType) {}

  private ErrorPages(Map<Integer, Page> pages) {
    this.pages = pages;
  }

  /** Reads each file (blocking, small files); fails naming the file that cannot be read. */
  static ErrorPages load(Map<Integer, String> files) throws IOException {
    Map<Integer, Page> pages = new HashMap<>();
    for (var e : files.entrySet()) {
      Path path = Path.of(e.getValue());
      if (Files.size(path) > MAX_BYTES) {
        throw new IOException("error page " + path + " is larger than " + MAX_BYTES / 1024 + " KiB");
      }
      String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      String type = name.endsWith(".html") || name.endsWith(".htm") ? "text/html; charset=utf-8"
          : name.endsWith(".json") ? "application/json" : "text/plain; charset=utf-8";
      pages.put(e.getKey(), new Page(Files.readAllBytes(path), type));
    }
    return new ErrorPages(pages);
  }

  static ErrorPages none() {
    return new ErrorPages(Map.of());
  }

  /** The gateway's answer with {@code status} and its page, as a whole Netty response (HTTP/1.1). */
  io.netty.handler.codec.http.FullHttpResponse response(int status) {
    Page page = pages.get(status);
    byte[] body = page == null ? TEXT.getOrDefault(status, "error\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)
        : page.body();
    var r = new io.netty.handler.codec.http.DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
        io.netty.handler.codec.http.HttpResponseStatus.valueOf(status), io.netty.buffer.Unpooled.wrappedBuffer(body));
    r.headers().set("content-type", page == null ? "text/plain; charset=utf-8" : page.contentType());
    r.headers().set("content-length", body.length);
    return r;
  }

  /** Answers with {@code status} and its page; the response must not have been sent yet. Completes when written. */
  io.vertx.core.Future<Void> send(HttpServerResponse response, int status) {
    Page page = pages.get(status);
    response.setStatusCode(status);
    if (page == null) {
      response.putHeader("content-type", "text/plain; charset=utf-8");
      return response.end(TEXT.getOrDefault(status, "error\n"));
    } else {
      response.putHeader("content-type", page.contentType());
      // A buffer per response: Vert.x hands a buffer's bytes to Netty, which consumes them.
      return response.end(Buffer.buffer(page.body()));
    }
  }
}
