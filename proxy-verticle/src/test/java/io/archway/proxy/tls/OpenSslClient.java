package io.archway.proxy.tls;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The {@code openssl s_client} command as a test client: a TLS stack that is not the JVM's. */
final class OpenSslClient {

  private OpenSslClient() {}

  static boolean present() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, "openssl").canExecute()) return true;
    }
    return false;
  }

  /** Connects with SNI {@code sni}, verifying against {@code ca}, sends {@code text}, and returns all it printed. */
  static String exchange(int port, String sni, Path ca, String text) throws Exception {
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", sni,
        "-CAfile", ca.toString(), "-verify_return_error")
        .redirectErrorStream(true).start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().flush();
    // Give the reply time to arrive: at the end of its input s_client closes the connection.
    Thread.sleep(500);
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
  }

  /**
   * One handshake that saves its session to {@code session} (first call) or offers it (later calls);
   * true when the server resumed it.
   */
  static boolean resumed(int port, String sni, Path ca, Path session, boolean first) throws Exception {
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", sni,
        "-CAfile", ca.toString(), "-verify_return_error", first ? "-sess_out" : "-sess_in", session.toString())
        .redirectErrorStream(true).start();
    // TLS 1.3 tickets arrive after the handshake: wait a moment before ending the session.
    Thread.sleep(300);
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    return out.contains("Reused, TLS");
  }
}
