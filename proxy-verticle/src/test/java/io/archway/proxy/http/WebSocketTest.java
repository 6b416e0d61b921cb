package io.archway.proxy.http;

import static io.archway.proxy.http.HttpRoutingTest.httpListener;
import static io.archway.proxy.http.HttpRoutingTest.httpPool;
import static io.archway.proxy.http.HttpRoutingTest.route;
import static io.archway.proxy.testing.Gateway.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.HttpBackend;
import io.archway.proxy.testing.LeakCheck;
import io.netty.util.ResourceLeakDetector;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** WebSocket upgrades pass through to the route's pool; frames and close frames flow both ways. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketTest {

  /** The config as this class runs it: on the Netty-level path here, on Vert.x's in the subclass. */
  JsonObject path(JsonObject config) {
    return config;
  }

  private final int port = Ports.free();
  private final Vertx clientVertx = Vertx.vertx();
  private final WebSocketClient client = clientVertx.createWebSocketClient();
  private HttpBackend app;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    app = HttpBackend.start("app");
    gateway = Gateway.start();
    gateway.healthy("app", app.address());
    gateway.apply(path(new JsonObject().put("listeners", new JsonArray().add(httpListener("web", port,
        new JsonArray().add(route("app").put("pathPrefix", "/ws").put("stripPrefix", true)))))
        .put("pools", new JsonArray().add(httpPool("app", app.address())))));
  }

  @AfterEach
  void stop() throws Exception {
    await(clientVertx.close());
    gateway.close();
    app.close();
  }

  @Test
  void textAndBinaryFramesEchoThroughTheGateway() throws Exception {
    WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/ws/echo?room=1").addHeader("host", "chat.example.com")));
    List<String> texts = new CopyOnWriteArrayList<>();
    List<Buffer> binaries = new CopyOnWriteArrayList<>();
    ws.textMessageHandler(texts::add);
    ws.binaryMessageHandler(binaries::add);
    await(ws.writeTextMessage("hello"));
    await(ws.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3})));
    await().atMost(Duration.ofSeconds(10)).until(() -> texts.size() == 1 && binaries.size() == 1);
    assertThat(texts).containsExactly("hello");
    assertThat(binaries.get(0).getBytes()).containsExactly(1, 2, 3);

    JsonObject seen = app.seen().get(0);
    assertThat(seen.getString("uri")).isEqualTo("/echo?room=1");
    assertThat(seen.getJsonObject("headers").getString("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.getJsonObject("headers").getString("host")).isEqualTo("chat.example.com");

    await(ws.close((short) 4001, "bye"));
    JsonObject line = gateway.awaitAccessLine(l -> Integer.valueOf(101).equals(l.getInteger("status")));
    assertThat(line.getString("termination")).isEqualTo("client_close");
    assertThat(line.getString("target")).isEqualTo(app.address());
  }

  @Test
  void aLargeStreamOfFramesKeepsItsOrderUnderBackpressure() throws Exception {
    // The suite tracks every buffer (paranoid); WebSocket masking touches each 8 bytes of a frame, and a
    // trace per touch makes 64 MiB take minutes. This test samples instead, as production does.
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.ADVANCED);
    try {
      largeStream();
    } finally {
      ResourceLeakDetector.setLevel(level);
    }
  }

  private void largeStream() throws Exception {
    WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")));
    int frames = 2_000;
    AtomicLong received = new AtomicLong();
    AtomicLong expectedNext = new AtomicLong();
    List<String> disorder = new CopyOnWriteArrayList<>();
    ws.binaryMessageHandler(b -> {
      long n = b.getLong(0);
      if (n != expectedNext.getAndIncrement()) disorder.add(n + "");
      received.addAndGet(b.length());
    });
    for (int i = 0; i < frames; i++) {
      Buffer frame = Buffer.buffer(32 * 1024).appendLong(i).appendBytes(new byte[32 * 1024 - 8]);
      ws.writeBinaryMessage(frame);
      if (ws.writeQueueFull()) {
        Promise<Void> drained = Promise.promise();
        ws.drainHandler(v -> drained.tryComplete());
        // The queue may have drained between the check and the handler (this thread is not the socket's).
        if (!ws.writeQueueFull()) drained.tryComplete();
        await(drained.future());
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == (long) frames * 32 * 1024);
    assertThat(disorder).isEmpty();
  }

  @Test
  void aCloseFromTheTargetReachesTheClientWithItsStatusAndReason() throws Exception {
    try (HttpBackend closer = HttpBackend.start("closer", new HttpServerOptions())) {
      // Not the echo backend: a plain Vert.x server that closes every WebSocket at once.
      Vertx v = Vertx.vertx();
      try {
        var server = v.createHttpServer().webSocketHandler(s -> s.close((short) 4002, "target says bye"));
        int p = await(server.listen(0, "127.0.0.1")).actualPort();
        gateway.healthy("closing", "127.0.0.1:" + p);
        gateway.apply(path(new JsonObject().put("listeners", new JsonArray().add(httpListener("web", port,
            new JsonArray().add(route("closing")))))
            .put("pools", new JsonArray().add(httpPool("closing", "127.0.0.1:" + p)))));
        // The handler is in place before the handshake: the close may follow it at once.
        var ws = client.webSocket();
        Promise<Void> closed = Promise.promise();
        ws.closeHandler(x -> closed.tryComplete());
        await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/")));
        await(closed.future());
        assertThat(ws.closeStatusCode()).isEqualTo((short) 4002);
        assertThat(ws.closeReason()).isEqualTo("target says bye");
        assertThat(gateway.awaitAccessLine(l -> "closing".equals(l.getString("pool"))).getString("termination"))
            .isEqualTo("backend_close");
      } finally {
        await(v.close());
      }
    }
  }
}
