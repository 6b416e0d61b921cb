package io.archway.core.config;

/** A target address: a host (name, IPv4, or IPv6 in brackets) and a port. */
public record HostPort(String host, int port) {

  /** Parses {@code host:port} or {@code [v6]:port}, or throws saying what is expected. */
  public static HostPort parse(String text) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not host:port (such as 127.0.0.1:6379 or [::1]:6379)");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || host.length() < 3) {
        throw new IllegalArgumentException("'" + text + "' has an unclosed IPv6 bracket");
      }
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("'" + text + "': write an IPv6 host in brackets, such as [::1]:6379");
    }
    if (!host.matches("[A-Za-z0-9.:_-]+")) {
      throw new IllegalArgumentException("'" + text + "' has an invalid host '" + host + "'");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no numeric port");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': " + port + " is not a port (1-65535)");
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
