package io.archway.core.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a listener of protocol {@code http} or {@code https} adds: its routes, forwarded headers, HTTP/2
 * and error pages. Empty for the other protocols.
 *
 * @param routes in the order written; matching sorts them by priority, ties keeping this order
 * @param http2 {@code https}: offer {@code h2} by ALPN; {@code http}: accept prior-knowledge h2c
 * @param errorPages a file (absolute path) per status, for the statuses the gateway answers itself
 */
public record ListenerHttpConfig(
    List<RouteConfig> routes, ForwardedHeaders forwarded, boolean http2, Map<Integer, String> errorPages) {

  /** The statuses the gateway answers itself, and so the ones an error page can replace. */
  public static final List<Integer> ERROR_STATUSES = List.of(404, 502, 503, 504);

  public ListenerHttpConfig {
    routes = List.copyOf(routes);
    errorPages = java.util.Collections.unmodifiableMap(new TreeMap<>(errorPages));
  }

  public static ListenerHttpConfig none() {
    return new ListenerHttpConfig(List.of(), ForwardedHeaders.all(), false, Map.of());
  }
}
