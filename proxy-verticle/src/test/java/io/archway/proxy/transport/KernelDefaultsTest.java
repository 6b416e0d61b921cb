package io.archway.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The native transport leaves out the socket options that would change nothing, and sockets still end up
 * with the options the gateway relies on (no Nagle delay) and any the options asked for (keep-alive).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KernelDefaultsTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    GatewayTransport transport = GatewayTransport.of(true);
    assumeTrue(transport.implementation() instanceof GuardedNative, "native epoll is not available here");
    vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(transport).build();
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void defaultsAreNotSetAgainOnEverySocket() {
    io.vertx.core.spi.transport.Transport transport = GatewayTransport.of(true).implementation();
    ServerBootstrap server = new ServerBootstrap();
    transport.configure(new NetServerOptions(), false, server);
    Bootstrap client = new Bootstrap();
    transport.configure(new NetClientOptions(), 5_000, false, client);

    for (Map<ChannelOption<?>, Object> options : java.util.List.of(server.config().childOptions(), client.config().options())) {
      assertThat(options.keySet()).extracting(ChannelOption::name)
          .doesNotContain("TCP_NODELAY", "SO_KEEPALIVE", "io.netty.channel.epoll.EpollChannelOption#TCP_CORK",
              "io.netty.channel.epoll.EpollChannelOption#TCP_USER_TIMEOUT",
              "io.netty.channel.epoll.EpollChannelOption#TCP_QUICKACK");
    }
    // What a new socket does not have by itself stays.
    Bootstrap asked = new Bootstrap();
    transport.configure(new NetClientOptions().setTcpQuickAck(true).setTcpCork(true), 5_000, false, asked);
    assertThat(asked.config().options().keySet()).extracting(ChannelOption::name)
        .contains("io.netty.channel.epoll.EpollChannelOption#TCP_QUICKACK", "io.netty.channel.epoll.EpollChannelOption#TCP_CORK");
    // SO_REUSEADDR governs bind: a socket that only connects has no use for it.
    assertThat(client.config().options()).doesNotContainKey(ChannelOption.SO_REUSEADDR);
  }

  @Test
  void acceptedAndConnectedSocketsStillHaveNoDelayAndWhatWasAskedFor() throws Exception {
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpKeepAlive(true));
    server.connectHandler(socket -> accepted.complete(channel(socket)));
    int port = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();

    NetSocket socket = vertx.createNetClient(new NetClientOptions().setTcpUserTimeout(5_000)).connect(port, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Channel connected = channel(socket);
    Channel served = accepted.get(10, TimeUnit.SECONDS);

    // Read back from the kernel (getsockopt), not from Netty's memory.
    assertThat(served.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
    assertThat(served.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
    assertThat(connected.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
    assertThat(connected.config().getOption(ChannelOption.SO_KEEPALIVE)).isFalse();
    assertThat(connected.config().getOption(ChannelOption.SO_REUSEADDR)).isFalse();
    ChannelOption<Integer> userTimeout = ChannelOption.valueOf("io.netty.channel.epoll.EpollChannelOption#TCP_USER_TIMEOUT");
    assertThat(connected.config().getOption(userTimeout)).isEqualTo(5_000);
    // Not in delayed-ACK mode: connected in it, the handshake's last ACK waits up to 200 ms for a request,
    // and a target that speaks first cannot accept the connection until then.
    ChannelOption<Boolean> quickAck = ChannelOption.valueOf("io.netty.channel.epoll.EpollChannelOption#TCP_QUICKACK");
    assertThat(connected.config().getOption(quickAck)).isTrue();
    assertThat(served.config().getOption(quickAck)).isTrue();
    socket.close();
  }

  private static Channel channel(NetSocket socket) {
    return ((NetSocketInternal) socket).channelHandlerContext().channel();
  }
}
