package io.archway.proxy.http;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The headers that describe one connection rather than the message (RFC 9110 7.6.1): they stop at the
 * gateway in both directions, as do the ones a {@code Connection} header names.
 */
final class HopByHop {

  private static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade");

  private HopByHop() {}

  static boolean is(String name) {
    return NAMES.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Removes the hop-by-hop headers, those a {@code Connection} header names, and {@code except}, in place. */
  static void strip(MultiMap headers, Set<String> except) {
    List<String> connection = headers.getAll("connection");
    for (String value : connection) {
      for (String token : value.split(",")) {
        String t = token.trim();
        if (!t.isEmpty()) headers.remove(t);
      }
    }
    for (String name : NAMES) headers.remove(name);
    for (String name : except) headers.remove(name);
  }

  /** Copies {@code from} into {@code to} without hop-by-hop headers, HTTP/2 pseudo-headers and {@code except}. */
  static void copy(MultiMap from, MultiMap to, Set<String> except) {
    List<String> named = new ArrayList<>();
    for (String value : from.getAll("connection")) {
      for (String token : value.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) named.add(t);
      }
    }
    for (var entry : from) {
      String name = entry.getKey();
      if (name.startsWith(":")) continue;
      String lower = name.toLowerCase(Locale.ROOT);
      if (NAMES.contains(lower) || except.contains(lower) || named.contains(lower)) continue;
      to.add(name, entry.getValue());
    }
  }
}
