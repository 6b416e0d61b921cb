package io.archway.proxy.route;

import io.archway.core.config.RedirectConfig;

/** The {@code Location} of a redirect route: its {@code to} with the request's host, path and query put in. */
public final class Redirect {

  private Redirect() {}

  /**
   * {@code host}: as the client sent it, port included; {@code query}: without {@code ?}, or null.
   * {@code {query}} becomes {@code ?} and the query, or nothing when the request has none.
   */
  public static String location(RedirectConfig redirect, String host, String path, String query) {
    String hostName = host == null ? "" : host;
    // A {host} followed by a port of its own takes the name only: http://{host}:8443 stays valid.
    String to = redirect.to();
    StringBuilder out = new StringBuilder(to.length() + 64);
    int i = 0;
    while (i < to.length()) {
      if (to.startsWith("{host}", i)) {
        boolean portFollows = to.startsWith("{host}:", i);
        out.append(portFollows ? RouteTable.withoutPort(hostName) : hostName);
        i += 6;
      } else if (to.startsWith("{path}", i)) {
        out.append(path);
        i += 6;
      } else if (to.startsWith("{query}", i)) {
        if (query != null && !query.isEmpty()) out.append('?').append(query);
        i += 7;
      } else {
        out.append(to.charAt(i++));
      }
    }
    return out.toString();
  }
}
