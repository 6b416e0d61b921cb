package io.archway.proxy.route;

import io.archway.core.config.RouteConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The routes of one HTTP listener in matching order: priority, lower first; ties keep the written order. */
public final class RouteTable {

  private final List<Route> routes;

  private RouteTable(List<Route> routes) {
    this.routes = routes;
  }

  public static RouteTable of(List<RouteConfig> configs) {
    List<Route> sorted = new ArrayList<>();
    configs.forEach(c -> sorted.add(new Route(c)));
    // List.sort is stable: equal priorities stay in the order written.
    sorted.sort(Comparator.comparingInt(r -> r.config().priority()));
    return new RouteTable(List.copyOf(sorted));
  }

  /** The first route matching, or null. {@code host} may carry a port and any case. */
  public Route match(String host, String path) {
    String name = hostName(host);
    for (Route r : routes) {
      if (r.matches(name, path)) return r;
    }
    return null;
  }

  /** The host name of a Host header or authority: lower case, without port or trailing dot. */
  static String hostName(String host) {
    return withoutPort(host).toLowerCase(Locale.ROOT);
  }

  /** A Host header or authority without its port (and trailing dot), case kept. */
  static String withoutPort(String host) {
    if (host == null) return "";
    String h = host;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end > 0 ? h.substring(0, end + 1) : h;
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) h = h.substring(0, colon);
    }
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    return h;
  }
}
