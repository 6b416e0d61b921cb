package io.archway.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the HTTP keys of listeners (routes, forwarded headers, HTTP/2, error pages) and of pools. */
final class HttpConfigParser {

  private static final Pattern SERVER_NAME =
      Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
  /** RFC 9110 token characters. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final Set<String> PLACEHOLDERS = Set.of("host", "path", "query");
  private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 307, 308);
  private static final List<String> LISTENER_KEYS = List.of("routes", "forwarded", "http2", "errorPages");
  private static final List<String> POOL_KEYS = List.of("version", "maxConnections", "affinity", "affinityCookie");
  /** Headers a rule may not touch: the gateway owns them (framing, connection management). */
  private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection",
      "keep-alive", "upgrade", "te", "trailer", "host", ":authority", ":path", ":method", ":scheme");

  private final List<Problem> problems;
  private final BiFunction<ConfigReader, String, Optional<String>> file;

  /** {@code file}: reads a key as a file path that must exist, resolved against the config's folder. */
  HttpConfigParser(List<Problem> problems, BiFunction<ConfigReader, String, Optional<String>> file) {
    this.problems = problems;
    this.file = file;
  }

  ListenerHttpConfig listener(ConfigReader r, ListenerProtocol protocol) {
    boolean http = protocol == ListenerProtocol.HTTP || protocol == ListenerProtocol.HTTPS;
    if (!http) {
      for (String key : LISTENER_KEYS) {
        if (r.has(key)) r.problem(key, "only applies to a listener whose protocol is http or https (this one is "
            + protocol.keyword() + ")");
      }
      return ListenerHttpConfig.none();
    }
    if (r.has("halfCloseTimeout")) r.problem("halfCloseTimeout", "does not apply to an http or https listener");
    List<RouteConfig> routes = r.objects("routes").stream().map(this::route).toList();
    if (routes.isEmpty() && !r.has("pool")) {
      r.problem("routes", "an http listener needs routes, a pool for every request, or both");
    }
    ForwardedHeaders forwarded = r.object("forwarded").map(this::forwarded).orElse(ForwardedHeaders.all());
    boolean http2 = r.bool("http2", protocol == ListenerProtocol.HTTPS);
    Map<Integer, String> pages = r.object("errorPages").map(this::errorPages).orElse(Map.of());
    return new ListenerHttpConfig(routes, forwarded, http2, pages);
  }

  PoolHttpConfig pool(ConfigReader r, PoolProtocol protocol) {
    boolean http = protocol == PoolProtocol.HTTP || protocol == PoolProtocol.HTTPS;
    if (!http) {
      for (String key : POOL_KEYS) {
        if (r.has(key)) r.problem(key, "only applies to a pool whose protocol is http or https (this one is "
            + protocol.keyword() + ")");
      }
      return PoolHttpConfig.none();
    }
    PoolHttpConfig defaults = PoolHttpConfig.none();
    int version = r.integer("version", 1, 2, "an HTTP version", 1);
    int max = r.integer("maxConnections", 1, 10_000, "a connection count", defaults.maxConnections());
    Affinity affinity = r.keyword("affinity", Affinity.class, Affinity.NONE);
    String cookie = r.string("affinityCookie", defaults.affinityCookie());
    if (!HEADER_NAME.matcher(cookie).matches() || cookie.contains("=")) {
      r.problem("affinityCookie", "'" + cookie + "' is not a cookie name (letters, digits and - _ .)");
    } else if (r.has("affinityCookie") && affinity != Affinity.COOKIE) {
      r.problem("affinityCookie", "only applies with affinity: cookie");
    }
    return new PoolHttpConfig(version, max, affinity, cookie);
  }

  private RouteConfig route(ConfigReader r) {
    List<String> hosts = r.strings("hosts").stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
    for (int i = 0; i < hosts.size(); i++) {
      if (!SERVER_NAME.matcher(hosts.get(i)).matches()) {
        problems.add(new Problem(r.at("hosts") + "[" + i + "]",
            "'" + hosts.get(i) + "' is not a host name (such as app.example.com or *.example.com; no port)"));
      }
    }
    Optional<String> path = r.string("path");
    Optional<String> prefix = r.string("pathPrefix");
    path.filter(p -> !p.startsWith("/")).ifPresent(p -> r.problem("path", "'" + p + "' does not start with /"));
    prefix.filter(p -> !p.startsWith("/")).ifPresent(p -> r.problem("pathPrefix", "'" + p + "' does not start with /"));
    if (path.isPresent() && prefix.isPresent()) r.problem("path", "give path or pathPrefix, not both");
    // "/api/" and "/api" match the same requests; the stored form has no trailing slash (but "/" stays).
    prefix = prefix.map(p -> p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
    int priority = r.integer("priority", 0, 1_000_000, "a priority", RouteConfig.DEFAULT_PRIORITY);
    String pool = r.string("pool").orElse("");
    Optional<RedirectConfig> redirect = r.object("redirect").map(this::redirect);
    if (pool.isEmpty() == redirect.isEmpty()) {
      r.problem(pool.isEmpty() ? "pool" : "redirect", "a route needs exactly one of pool and redirect");
    }
    boolean strip = r.bool("stripPrefix", false);
    if (strip && prefix.isEmpty()) r.problem("stripPrefix", "needs a pathPrefix to strip");
    HeaderRules request = r.object("requestHeaders").map(this::headerRules).orElse(HeaderRules.none());
    HeaderRules response = r.object("responseHeaders").map(this::headerRules).orElse(HeaderRules.none());
    Duration timeout = r.duration("timeout", RouteConfig.DEFAULT_TIMEOUT, Duration.ofMillis(1), Duration.ofHours(24));
    int retries = r.integer("retries", 0, 16, "a retry count", -1);
    if (redirect.isPresent()) {
      for (String key : List.of("stripPrefix", "requestHeaders", "responseHeaders", "timeout", "retries")) {
        if (r.has(key)) r.problem(key, "does not apply to a redirect route");
      }
    }
    r.finish();
    return new RouteConfig(hosts, path, prefix, priority, pool, redirect, strip, request, response, timeout, retries);
  }

  private RedirectConfig redirect(ConfigReader r) {
    String to = r.required("to").orElse("");
    int status = r.integer("status", 300, 399, "a redirect status", RedirectConfig.DEFAULT_STATUS);
    if (!REDIRECT_STATUSES.contains(status)) {
      r.problem("status", status + " is not one of 301, 302, 307, 308");
    }
    if (to.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      r.problem("to", "contains a control character");
    }
    Matcher m = PLACEHOLDER.matcher(to);
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        r.problem("to", "'{" + m.group(1) + "}' is not a placeholder (known: {host}, {path}, {query})");
      }
    }
    r.finish();
    return new RedirectConfig(to, status);
  }

  private HeaderRules headerRules(ConfigReader r) {
    List<HeaderRules.Header> set = headers(r, "set");
    List<HeaderRules.Header> add = headers(r, "add");
    List<String> remove = r.strings("remove");
    for (int i = 0; i < remove.size(); i++) headerName(r.at("remove") + "[" + i + "]", remove.get(i));
    r.finish();
    return new HeaderRules(set, add, remove);
  }

  private List<HeaderRules.Header> headers(ConfigReader r, String key) {
    List<HeaderRules.Header> out = new ArrayList<>();
    r.object(key).ifPresent(o -> {
      for (String name : o.fieldNames()) {
        String at = o.at(name);
        headerName(at, name);
        Optional<String> value = o.string(name);
        value.filter(v -> v.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f))
            .ifPresent(v -> problems.add(new Problem(at, "the value contains a control character")));
        value.ifPresent(v -> out.add(new HeaderRules.Header(name, v)));
      }
    });
    return out;
  }

  private void headerName(String at, String name) {
    if (!HEADER_NAME.matcher(name).matches()) {
      problems.add(new Problem(at, "'" + name + "' is not a header name"));
    } else if (FRAMING.contains(name.toLowerCase(java.util.Locale.ROOT))) {
      problems.add(new Problem(at, "'" + name + "' is managed by the gateway and cannot be changed by a rule"));
    }
  }

  private ForwardedHeaders forwarded(ConfigReader r) {
    ForwardedHeaders f = new ForwardedHeaders(r.bool("xForwardedFor", true), r.bool("xForwardedProto", true),
        r.bool("xForwardedHost", true), r.bool("xForwardedPort", true), r.bool("forwarded", true));
    r.finish();
    return f;
  }

  private Map<Integer, String> errorPages(ConfigReader r) {
    Map<Integer, String> pages = new HashMap<>();
    for (int status : ListenerHttpConfig.ERROR_STATUSES) {
      file.apply(r, Integer.toString(status)).ifPresent(f -> pages.put(status, f));
    }
    r.finish();
    return pages;
  }

  /** Every route and HTTP listener names an existing HTTP pool; TCP and TLS listeners name no HTTP pool. */
  void references(List<ListenerConfig> listeners, List<PoolConfig> pools) {
    Map<String, PoolProtocol> protocols = new HashMap<>();
    pools.forEach(p -> protocols.put(p.name(), p.protocol()));
    for (int i = 0; i < listeners.size(); i++) {
      ListenerConfig l = listeners.get(i);
      String at = "listeners[" + i + "]";
      boolean http = l.protocol() == ListenerProtocol.HTTP || l.protocol() == ListenerProtocol.HTTPS;
      if (!l.pool().isEmpty()) poolKind(at + ".pool", l.pool(), http, l.protocol(), protocols);
      for (int j = 0; j < l.sni().size(); j++) {
        poolKind(at + ".sni[" + j + "].pool", l.sni().get(j).pool(), false, l.protocol(), protocols);
      }
      List<RouteConfig> routes = l.http().routes();
      for (int j = 0; j < routes.size(); j++) {
        String pool = routes.get(j).pool();
        if (pool.isEmpty()) continue;
        if (!protocols.containsKey(pool)) {
          problems.add(new Problem(at + ".routes[" + j + "].pool",
              "no pool named '" + pool + "' (pools: " + protocols.keySet() + ")"));
        } else {
          poolKind(at + ".routes[" + j + "].pool", pool, true, l.protocol(), protocols);
        }
      }
    }
  }

  private void poolKind(String at, String pool, boolean http, ListenerProtocol listener,
      Map<String, PoolProtocol> protocols) {
    PoolProtocol p = protocols.get(pool);
    if (p == null) return;
    boolean httpPool = p == PoolProtocol.HTTP || p == PoolProtocol.HTTPS;
    if (http && !httpPool) {
      problems.add(new Problem(at, "pool '" + pool + "' speaks " + p.keyword()
          + "; an " + listener.keyword() + " listener forwards to pools of protocol http or https"));
    } else if (!http && httpPool) {
      problems.add(new Problem(at, "pool '" + pool + "' speaks " + p.keyword()
          + "; a " + listener.keyword() + " listener relays to pools of protocol tcp or tls"));
    } else if (listener == ListenerProtocol.TLS_PASSTHROUGH && p == PoolProtocol.TLS) {
      // The client's own TLS goes through unchanged: a tls pool would wrap it in a second TLS.
      problems.add(new Problem(at, "pool '" + pool + "' re-encrypts (protocol tls); a tls-passthrough listener "
          + "forwards the client's TLS bytes unchanged, to pools of protocol tcp"));
    }
  }
}
