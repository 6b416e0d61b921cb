package io.archway.proxy.route;

import io.archway.core.config.RouteConfig;
import java.util.List;

/** One route of an HTTP listener, ready to match: its host names split into exact and wildcard. */
public final class Route {

  private final RouteConfig config;
  private final List<String> exactHosts;
  /** Wildcard suffixes with their dot: {@code *.example.com} is kept as {@code .example.com}. */
  private final List<String> wildcardSuffixes;

  Route(RouteConfig config) {
    this.config = config;
    this.exactHosts = config.hosts().stream().filter(h -> !h.startsWith("*.")).toList();
    this.wildcardSuffixes = config.hosts().stream().filter(h -> h.startsWith("*.")).map(h -> h.substring(1)).toList();
  }

  public RouteConfig config() {
    return config;
  }

  /** {@code host}: lower case, without port. */
  boolean matches(String host, String path) {
    return matchesHost(host) && matchesPath(path);
  }

  private boolean matchesHost(String host) {
    if (config.hosts().isEmpty()) return true;
    if (exactHosts.contains(host)) return true;
    for (String suffix : wildcardSuffixes) {
      // One label or more before the suffix: *.example.com matches a.example.com, not example.com.
      if (host.length() > suffix.length() && host.endsWith(suffix)) return true;
    }
    return false;
  }

  private boolean matchesPath(String path) {
    if (config.path().isPresent()) return config.path().get().equals(path);
    if (config.pathPrefix().isPresent()) return hasPrefix(path, config.pathPrefix().get());
    return true;
  }

  /** {@code /api} is a prefix of {@code /api} and {@code /api/x}, not of {@code /apix}. */
  static boolean hasPrefix(String path, String prefix) {
    if (prefix.equals("/")) return true;
    return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
  }

  /** The path sent to the target: the prefix removed when the route strips it (never empty). */
  public String targetPath(String path) {
    if (!config.stripPrefix() || config.pathPrefix().isEmpty()) return path;
    String prefix = config.pathPrefix().get();
    if (prefix.equals("/")) return path;
    String rest = path.substring(prefix.length());
    return rest.isEmpty() ? "/" : rest;
  }
}
