package io.archway.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free loopback ports for tests, taken below the kernel's ephemeral range (Linux: 32768-60999). A port
 * the kernel hands out for "any free port" can be given again at once to an outgoing connection as its
 * local port, and a test that binds it a moment later then fails with "Address already in use" (seen a
 * few times a day across the suite). Ports here come from 20000-31999 instead, in turn from a random
 * start per JVM, each checked free by binding it.
 */
public final class Ports {

  private static final int FIRST = 20_000;
  private static final int COUNT = 12_000;
  private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

  private Ports() {}

  /** A port that was free on 127.0.0.1 a moment ago. */
  public static int free() {
    for (int i = 0; i < COUNT; i++) {
      int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
      if (bindable(port)) return port;
    }
    throw new IllegalStateException("no free port in " + FIRST + "-" + (FIRST + COUNT - 1) + " on 127.0.0.1");
  }

  /** A port that nothing listens on, for connect failures (free a moment ago). */
  public static int closed() {
    return free();
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
