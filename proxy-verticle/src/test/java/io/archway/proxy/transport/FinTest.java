package io.archway.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A FIN sent with {@link Fin}: the peer reads everything written before it and then the end, the
 * channel still reads what the peer sends after that, and Netty sees its output as shut. On the
 * native transport (its own path) and on NIO (Netty's).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FinTest {

  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {true, false})
  void thePeerReadsTheDataThenTheEndAndCanStillSend(boolean nativeTransport) throws Exception {
    GatewayTransport transport = GatewayTransport.of(nativeTransport);
    if (nativeTransport) assumeTrue(transport.implementation() instanceof GuardedNative, "native epoll is not available here");
    vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(transport).build();
    CompletableFuture<DuplexChannel> accepted = new CompletableFuture<>();
    CompletableFuture<String> received = new CompletableFuture<>();
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0));
    server.connectHandler(socket -> {
      DuplexChannel ch = (DuplexChannel) ((NetSocketInternal) socket).channelHandlerContext().channel();
      Buffer got = Buffer.buffer();
      socket.handler(got::appendBuffer);
      socket.endHandler(v -> received.complete(got.toString(StandardCharsets.US_ASCII)));
      socket.write("answer").onSuccess(v -> accepted.complete(ch));
    });
    int port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();

    try (Socket client = new Socket("127.0.0.1", port)) {
      DuplexChannel served = accepted.get(10, TimeUnit.SECONDS);
      assertThat(served.getClass().getSimpleName()).isEqualTo(nativeTransport ? "EpollSocketChannel" : "NioSocketChannel");
      CompletableFuture<Boolean> shut = new CompletableFuture<>();
      served.eventLoop().execute(() -> {
        ChannelFuture sent = Fin.send(served);
        sent.addListener(done -> shut.complete(done.isSuccess()));
      });
      assertThat(shut.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(served.isOutputShutdown()).isTrue();
      assertThat(served.isActive()).isTrue();

      InputStream in = client.getInputStream();
      assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("answer");
      client.getOutputStream().write("after the FIN".getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();
      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("after the FIN");
    }
  }
}
