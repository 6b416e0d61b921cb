package io.archway.launcher.node;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One short TCP exchange through a listener: optionally send a line, read the first line back. */
final class LineClient {

  private LineClient() {}

  /** Connects, sends {@code send} (nothing when null) and returns the first line received. */
  static String firstLine(String host, int port, String send) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(5000);
      if (send != null) s.getOutputStream().write(send.getBytes(StandardCharsets.UTF_8));
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = s.getInputStream().read()) != -1 && c != '\n') line.append((char) c);
      return line.toString();
    }
  }
}
