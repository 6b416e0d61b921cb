package io.archway.proxy.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP target on loopback in its own Vert.x: answers each request with what it saw (JSON: its name,
 * method, uri, headers, protocol), and offers a few paths for the tests: {@code /upload} (SHA-256 and
 * length of the body), {@code /download?bytes=N} (N pseudo-random bytes, streamed), {@code /slow?ms=N}
 * and {@code /status?code=N}. WebSocket upgrades are echoed frame by frame.
 */
public final class HttpBackend implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final String name;
  private final HttpServer server;
  private final List<JsonObject> seen = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong downloaded = new java.util.concurrent.atomic.AtomicLong();

  private HttpBackend(String name, HttpServerOptions options) throws Exception {
    this.name = name;
    this.server = vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0));
    server.webSocketHandler(ws -> {
      JsonObject headers = new JsonObject();
      ws.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
      seen.add(new JsonObject().put("backend", name).put("uri", ws.uri()).put("headers", headers));
      ws.frameHandler(frame -> {
        if (frame.isText() || frame.isBinary() || frame.isContinuation()) ws.writeFrame(frame);
      });
    });
    server.requestHandler(this::handle);
    server.connectionHandler(connection -> {
      open.incrementAndGet();
      connection.closeHandler(v -> open.decrementAndGet());
    });
    Gateway.await(server.listen());
  }

  public static HttpBackend start(String name) throws Exception {
    return new HttpBackend(name, new HttpServerOptions());
  }

  public static HttpBackend start(String name, HttpServerOptions options) throws Exception {
    return new HttpBackend(name, options);
  }

  public String address() {
    return "127.0.0.1:" + server.actualPort();
  }

  /** The connections open to it now. */
  public int openConnections() {
    return open.get();
  }

  public int port() {
    return server.actualPort();
  }

  /** The bytes of {@code /download} bodies written so far, all requests together. */
  public long downloadedBytes() {
    return downloaded.get();
  }

  /** What each request looked like on arrival, in order. */
  public List<JsonObject> seen() {
    return List.copyOf(seen);
  }

  private void handle(HttpServerRequest req) {
    JsonObject headers = new JsonObject();
    req.headers().forEach(e -> {
      String key = e.getKey().toLowerCase();
      Object prev = headers.getValue(key);
      headers.put(key, prev == null ? e.getValue() : prev + "|" + e.getValue());
    });
    JsonObject info = new JsonObject().put("backend", name).put("method", req.method().name()).put("uri", req.uri())
        .put("headers", headers).put("version", req.version().name()).put("ssl", req.isSSL())
        .put("remotePort", req.remoteAddress().port());
    seen.add(info);
    String path = req.path();
    switch (path) {
      case "/upload" -> {
        MessageDigest sha = sha256();
        long[] length = {0};
        req.handler(b -> {
          sha.update(b.getBytes());
          length[0] += b.length();
        });
        req.endHandler(v -> req.response().end(new JsonObject().put("sha256", HexFormat.of().formatHex(sha.digest()))
            .put("length", length[0]).encode()));
      }
      case "/download" -> download(req, Long.parseLong(req.getParam("bytes")));
      case "/slow" -> vertx.setTimer(Long.parseLong(req.getParam("ms")), id -> req.response().end(info.encode()));
      case "/status" -> {
        req.response().setStatusCode(Integer.parseInt(req.getParam("code")));
        req.response().putHeader("x-backend", name).putHeader("connection", "x-private").putHeader("x-private", "1")
            .putHeader("keep-alive", "timeout=5").end(info.encode());
      }
      default -> req.body().onSuccess(body -> {
        info.put("body", body.toString());
        // Title-Case, as NGINX and Apache write it: HTTP/1.1 clients get it so, HTTP/2 ones in lower case.
        req.response().putHeader("x-backend", name).putHeader("Content-Type", "application/json").end(info.encode());
      });
    }
  }

  /** Streams {@code total} bytes of {@link #pattern} with backpressure. */
  private void download(HttpServerRequest req, long total) {
    var resp = req.response().setChunked(true);
    long[] sent = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      // A drain may be signalled again after the end (the handler stays set): nothing more to write then.
      if (resp.ended()) return;
      while (sent[0] < total && !resp.writeQueueFull()) {
        int n = (int) Math.min(64 * 1024, total - sent[0]);
        resp.write(Buffer.buffer(pattern(sent[0], n)));
        sent[0] += n;
        downloaded.addAndGet(n);
      }
      if (sent[0] >= total) {
        resp.end();
      } else {
        resp.drainHandler(v -> pump[0].run());
      }
    };
    pump[0].run();
  }

  /** The bytes at {@code offset} of the download stream: a fixed pseudo-random sequence. */
  public static byte[] pattern(long offset, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      long x = (offset + i) * 0x9E3779B97F4A7C15L;
      out[i] = (byte) (x >>> 56);
    }
    return out;
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonArray list(Object... items) {
    JsonArray a = new JsonArray();
    for (Object o : items) a.add(o);
    return a;
  }

  @Override
  public void close() throws Exception {
    Gateway.await(vertx.close());
  }
}
