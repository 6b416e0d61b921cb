package io.archway.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a pool's {@code probe}: type, intervals and thresholds, and the keys of an {@code http} probe. */
final class ProbeParser {

  private static final Pattern STATUS_RANGE = Pattern.compile("(\\d{3})(?:\\s*-\\s*(\\d{3}))?");

  private final List<Problem> problems;

  ProbeParser(List<Problem> problems) {
    this.problems = problems;
  }

  ProbeConfig probe(ConfigReader r) {
    int before = problems.size();
    ProbeType type = r.keyword("type", ProbeType.class, ProbeType.TCP);
    // A type that could not be read is named once; the http keys are then not judged against a guess.
    boolean typeRead = problems.size() == before;
    Duration interval =
        r.duration("interval", ProbeConfig.DEFAULT_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1));
    Duration timeout = r.duration("timeout", ProbeConfig.DEFAULT_TIMEOUT, Duration.ofMillis(10), Duration.ofMinutes(5));
    int unhealthy = r.integer("unhealthyThreshold", 1, 100, "a count", ProbeConfig.DEFAULT_UNHEALTHY_THRESHOLD);
    int healthy = r.integer("healthyThreshold", 1, 100, "a count", ProbeConfig.DEFAULT_HEALTHY_THRESHOLD);
    if (timeout.compareTo(interval) > 0) {
      r.problem("timeout", Durations.format(timeout) + " is longer than the interval " + Durations.format(interval));
    }
    ProbeHttpConfig http = probeHttp(r, type, typeRead);
    r.finish();
    return new ProbeConfig(type, interval, timeout, unhealthy, healthy, http);
  }

  private static final List<String> HTTP_PROBE_KEYS = List.of("path", "host", "expectStatus", "expectBody");

  /** The keys of an {@code http} probe; each one is an error on a probe of another type. */
  private ProbeHttpConfig probeHttp(ConfigReader r, ProbeType type, boolean typeRead) {
    if (type != ProbeType.HTTP) {
      for (String key : HTTP_PROBE_KEYS) {
        if (r.has(key) && typeRead) r.problem(key, "only applies to probe type http (this one is " + type.keyword() + ")");
      }
      return ProbeHttpConfig.defaults();
    }
    String path = r.string("path", ProbeHttpConfig.DEFAULT_PATH);
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
      r.problem("path", "'" + path + "' is not a request path (it starts with '/' and has no spaces, such as /healthz)");
    }
    Optional<String> host = r.string("host").filter(h -> !h.isEmpty());
    host.filter(h -> !isHostHeader(h)).ifPresent(h -> r.problem("host",
        "'" + h + "' is not a host name for the Host header (such as app.example.com or app.example.com:8080)"));
    List<ProbeHttpConfig.StatusRange> statuses = new ArrayList<>();
    List<Object> items = r.values("expectStatus");
    for (int i = 0; i < items.size(); i++) {
      String at = r.at("expectStatus") + (r.isList("expectStatus") ? "[" + i + "]" : "");
      ProbeHttpConfig.StatusRange range = statusRange(items.get(i));
      if (range == null) {
        problems.add(new Problem(at, "'" + items.get(i)
            + "' is not a status or a range of statuses (100-599, such as 200 or 200-299)"));
      } else {
        statuses.add(range);
      }
    }
    if (r.has("expectStatus") && items.isEmpty()) r.problem("expectStatus", "name at least one status, such as 200-399");
    if (statuses.isEmpty()) statuses = ProbeHttpConfig.defaults().expectStatus();
    Optional<String> body = r.string("expectBody");
    if (body.isPresent() && body.get().isEmpty()) r.problem("expectBody", "is empty; leave it out to accept any body");
    return new ProbeHttpConfig(path, host, statuses, body.filter(b -> !b.isEmpty()));
  }

  /** {@code 200}, {@code "200"} or {@code "200-299"}; null when it is none of these. */
  private static ProbeHttpConfig.StatusRange statusRange(Object item) {
    String text = String.valueOf(item).trim();
    Matcher m = STATUS_RANGE.matcher(text);
    if (!(item instanceof String || item instanceof Integer || item instanceof Long) || !m.matches()) return null;
    int from = Integer.parseInt(m.group(1));
    int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
    if (from < 100 || to > 599 || from > to) return null;
    return new ProbeHttpConfig.StatusRange(from, to);
  }

  private static boolean isHostHeader(String host) {
    int colon = host.lastIndexOf(':');
    String name = host;
    if (colon > 0 && !host.endsWith("]") && host.indexOf(':') == colon) {
      String port = host.substring(colon + 1);
      if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) return false;
      name = host.substring(0, colon);
    }
    return ConfigParser.isDnsName(name) || name.matches("\\d{1,3}(\\.\\d{1,3}){3}") || name.matches("\\[[0-9A-Fa-f:.]+\\]");
  }
}
