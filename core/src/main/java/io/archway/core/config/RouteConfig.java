package io.archway.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One route of an HTTP listener: which requests it matches (host, path) and what it does with them
 * (forward to a pool, or redirect).
 *
 * @param hosts exact names or {@code *.} wildcards, lower case; empty matches every host
 * @param path an exact path, or empty
 * @param pathPrefix a path prefix, or empty; {@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix}
 * @param pool the pool to forward to; empty when the route redirects
 * @param stripPrefix remove {@code pathPrefix} from the path sent to the target
 * @param timeout from the request's arrival (or its body sent in full) to the target's response headers, then 504
 * @param retries other targets tried when a connect fails, for idempotent methods only
 */
public record RouteConfig(
    List<String> hosts,
    Optional<String> path,
    Optional<String> pathPrefix,
    int priority,
    String pool,
    Optional<RedirectConfig> redirect,
    boolean stripPrefix,
    HeaderRules requestHeaders,
    HeaderRules responseHeaders,
    Duration timeout,
    int retries) {

  public static final int DEFAULT_PRIORITY = 100;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public RouteConfig {
    hosts = List.copyOf(hosts);
  }
}
