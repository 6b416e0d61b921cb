package io.archway.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the traffic keys of listeners (limits, access lists, accepted PROXY header) and pools (PROXY header sent). */
final class TrafficParser {

  static final int MAX_CONNECTIONS = 10_000_000;
  static final int MAX_RATE = 1_000_000;

  private final List<Problem> problems;

  TrafficParser(List<Problem> problems) {
    this.problems = problems;
  }

  ListenerPolicy listenerPolicy(ConfigReader r, ListenerProtocol protocol) {
    boolean acceptProxy = r.bool("acceptProxyProtocol", false);
    int max = r.integer("maxConnections", 0, MAX_CONNECTIONS, "a connection count (0: no limit)", 0);
    int perClient =
        r.integer("maxConnectionsPerClient", 0, MAX_CONNECTIONS, "a connection count (0: no limit)", 0);
    int rate = 0;
    int burst = 0;
    Optional<ConfigReader> clientRate = r.object("clientRate");
    if (clientRate.isPresent()) {
      ConfigReader cr = clientRate.get();
      Optional<Integer> perSecond = cr.integer("perSecond", 1, MAX_RATE, "a rate in connections per second");
      if (!cr.has("perSecond")) cr.problem("perSecond", "is required (new connections per second per client)");
      rate = perSecond.orElse(0);
      burst = cr.integer("burst", 1, MAX_RATE, "a connection count", Math.max(1, rate));
      cr.finish();
    }
    List<Cidr> allow = cidrs(r, "allow");
    List<Cidr> deny = cidrs(r, "deny");
    if (acceptProxy && (protocol == ListenerProtocol.HTTP || protocol == ListenerProtocol.HTTPS)) {
      r.problem("acceptProxyProtocol", "is not supported yet for protocol " + protocol.keyword());
    }
    boolean limits = max > 0 || perClient > 0 || rate > 0 || !allow.isEmpty() || !deny.isEmpty();
    if (limits && (protocol == ListenerProtocol.HTTP || protocol == ListenerProtocol.HTTPS)) {
      r.problem(null, "connection limits and access lists are not supported yet for protocol " + protocol.keyword());
    }
    return new ListenerPolicy(acceptProxy, max, perClient, rate, burst, allow, deny);
  }

  PoolTraffic poolTraffic(ConfigReader r, PoolProtocol protocol) {
    Optional<ProxyProtocol> proxy = Optional.empty();
    if (r.has("proxyProtocol")) {
      ProxyProtocol p = r.keyword("proxyProtocol", ProxyProtocol.class, null);
      proxy = Optional.ofNullable(p);
      if (p != null && (protocol == PoolProtocol.HTTP || protocol == PoolProtocol.HTTPS)) {
        r.problem("proxyProtocol", "is not supported yet for protocol " + protocol.keyword());
      }
    }
    Optional<PassiveHealth> passive = r.object("passiveHealth").map(ph -> {
      int failures = ph.integer("failures", 1, 100, "a count of consecutive connect failures").orElse(0);
      if (!ph.has("failures")) ph.problem("failures", "is required (consecutive connect failures that take a target out)");
      java.time.Duration coolDown = ph.duration("coolDown", PassiveHealth.DEFAULT_COOL_DOWN,
          java.time.Duration.ofMillis(100), java.time.Duration.ofHours(1));
      ph.finish();
      return new PassiveHealth(Math.max(1, failures), coolDown);
    });
    Optional<java.time.Duration> resolveInterval = r.has("resolveInterval")
        ? Optional.of(r.duration("resolveInterval", java.time.Duration.ofSeconds(30), java.time.Duration.ofMillis(100),
            java.time.Duration.ofHours(24)))
        : Optional.empty();
    boolean http = protocol == PoolProtocol.HTTP || protocol == PoolProtocol.HTTPS;
    if (http && passive.isPresent()) {
      r.problem("passiveHealth", "is not supported yet for protocol " + protocol.keyword() + " (tcp and tls pools only)");
    }
    if (http && resolveInterval.isPresent()) {
      r.problem("resolveInterval", "is not supported yet for protocol " + protocol.keyword() + " (tcp and tls pools only)");
    }
    return new PoolTraffic(proxy, passive, resolveInterval);
  }

  private List<Cidr> cidrs(ConfigReader r, String key) {
    List<String> texts = r.strings(key);
    List<Cidr> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      try {
        out.add(Cidr.parse(texts.get(i).trim()));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(r.at(key) + "[" + i + "]", e.getMessage()));
      }
    }
    return out;
  }
}
