package io.archway.proxy.relay;

import static io.archway.proxy.testing.Configs.config;
import static io.archway.proxy.testing.Configs.listener;
import static io.archway.proxy.testing.Configs.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.Ports;
import io.archway.proxy.testing.Gateway;
import io.archway.proxy.testing.LeakCheck;
import io.archway.proxy.testing.Streams;
import io.archway.proxy.testing.TcpBackend;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend that writes as fast as it can, a client that reads at a fraction of that: the gateway must
 * stop reading the backend instead of buffering the difference. The backend and the client here are
 * plain blocking sockets, so every Netty buffer in this JVM belongs to the gateway.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BackpressureTest {

  private static final long SIZE = 256L * 1024 * 1024;
  private static final long MIB = 1024 * 1024;
  /** Bytes per second the client reads: far below what the relay can carry on loopback. */
  private static final long CLIENT_RATE = 160 * MIB;

  @ParameterizedTest(name = "native transport: {0}")
  @ValueSource(booleans = {false, true})
  void slowClientKeepsGatewayMemoryBoundedWhileAFastBackendSends256MiB(boolean nativeTransport) throws Exception {
    AtomicLong sent = new AtomicLong();
    AtomicLong received = new AtomicLong();
    try (TcpBackend backend = TcpBackend.start(socket -> {
          OutputStream out = socket.getOutputStream();
          byte[] chunk = new byte[64 * 1024];
          for (long n = 0; n < SIZE; n += chunk.length) {
            out.write(chunk);
            sent.addAndGet(chunk.length);
          }
          socket.shutdownOutput();
          socket.getInputStream().read();
        });
        Gateway gateway = Gateway.start(1, nativeTransport)) {
      int port = Ports.free();
      gateway.healthy("bulk", backend.address());
      gateway.apply(config(listener("bulk", port, "bulk"), pool("bulk", backend.address())));
      long baseline = directMemory();

      AtomicLong peakDirect = new AtomicLong();
      AtomicLong peakInFlight = new AtomicLong();
      AtomicBoolean done = new AtomicBoolean();
      Thread sampler = new Thread(() -> {
        while (!done.get()) {
          peakDirect.accumulateAndGet(directMemory() - baseline, Math::max);
          peakInFlight.accumulateAndGet(sent.get() - received.get(), Math::max);
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.start();

      try (Socket client = new Socket()) {
        // A small receive window, so that the kernel does not hide what the gateway holds.
        client.setReceiveBufferSize(64 * 1024);
        client.setSoTimeout(20_000);
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        InputStream in = client.getInputStream();
        byte[] buf = new byte[32 * 1024];
        long start = System.nanoTime();
        for (int n; (n = in.read(buf)) >= 0; ) {
          long total = received.addAndGet(n);
          long due = start + total * 1_000_000_000L / CLIENT_RATE;
          long wait = due - System.nanoTime();
          if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
        }
      } finally {
        done.set(true);
        sampler.join();
      }

      assertThat(received.get()).isEqualTo(SIZE);
      System.out.printf("backpressure: peak gateway direct memory %.1f MiB, peak in flight %.1f MiB%n",
          peakDirect.get() / (double) MIB, peakInFlight.get() / (double) MIB);
      // Measured here: 0.4 MiB with backpressure, 73 MiB with it disabled.
      assertThat(peakDirect.get()).as("gateway direct memory growth").isLessThan(16 * MIB);
      // Sent but not yet read also counts kernel socket buffers (up to tens of MiB with autotuning;
      // about 10 MiB measured here, about 80 MiB with backpressure disabled).
      assertThat(peakInFlight.get()).as("bytes in flight").isLessThan(48 * MIB);
    }
  }

  private static long directMemory() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }
}
