package io.archway.proxy.tls;

import io.netty.handler.codec.DecoderException;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs failed TLS handshakes as one line each (who, where, why; never a stack trace), at most
 * {@value #PER_WINDOW} lines per ten seconds per process, so that a scanner cannot flood the log;
 * the lines left out are counted in the next one.
 */
public final class HandshakeLog {

  static final int PER_WINDOW = 20;
  private static final long WINDOW_NANOS = 10_000_000_000L;
  private static final int MAX_REASON = 160;
  private static final Logger LOG = Logger.getLogger(HandshakeLog.class.getName());
  private static final AtomicLong WINDOW_START = new AtomicLong(System.nanoTime());
  private static final AtomicLong IN_WINDOW = new AtomicLong();
  private static final AtomicLong SUPPRESSED = new AtomicLong();

  private HandshakeLog() {}

  /** A client's handshake with a listener failed. */
  public static void clientFailed(String listener, SocketAddress client, Throwable cause) {
    log(Level.INFO, "listener '" + listener + "': TLS handshake with client " + address(client) + " failed: "
        + reason(cause));
  }

  /** A client of an {@code acceptProxyProtocol} listener sent no valid PROXY header (shares the TLS lines' rate limit). */
  public static void proxyHeaderFailed(String listener, SocketAddress client, Throwable cause) {
    log(Level.INFO, "listener '" + listener + "': no valid PROXY header from " + address(client) + ": "
        + reason(cause));
  }

  private static String address(SocketAddress address) {
    // https listeners: Vert.x reports a failed handshake without its connection.
    if (address == null) return "(address unknown)";
    if (address instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  /** The gateway's handshake with a pool's target failed. */
  public static void targetFailed(String pool, String target, Throwable cause) {
    log(Level.WARNING, "pool '" + pool + "': TLS handshake with target " + target + " failed: " + reason(cause));
  }

  private static void log(Level level, String line) {
    if (!LOG.isLoggable(level)) return;
    long now = System.nanoTime();
    long start = WINDOW_START.get();
    if (now - start > WINDOW_NANOS && WINDOW_START.compareAndSet(start, now)) IN_WINDOW.set(0);
    if (IN_WINDOW.incrementAndGet() > PER_WINDOW) {
      SUPPRESSED.incrementAndGet();
      return;
    }
    long left = SUPPRESSED.getAndSet(0);
    LOG.log(level, left == 0 ? line : line + " (" + left + " earlier TLS failures not logged)");
  }

  /**
   * The innermost message (OpenSSL's outer ones say only "General OpenSslEngine problem"), cut short: a
   * non-TLS client's bytes end up hex-dumped in Netty's message.
   */
  public static String reason(Throwable cause) {
    String m = null;
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !(t instanceof DecoderException && t.getCause() != null)) m = t.getMessage();
    }
    if (m == null) m = cause.getClass().getSimpleName();
    return m.length() > MAX_REASON ? m.substring(0, MAX_REASON) + "..." : m;
  }
}
