package io.archway.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
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

  private HopByHop() {}

  /** Whether {@code name} (in any case) is hop-by-hop: {@code Connection}, {@code Keep-Alive}, {@code TE}, ... */
  static boolean is(CharSequence name) {
    return switch (name.length()) {
      case 2 -> HttpHeaderNames.TE.contentEqualsIgnoreCase(name);
      case 7 -> HttpHeaderNames.TRAILER.contentEqualsIgnoreCase(name)
          || HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name);
      case 10 -> HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)
          || HttpHeaderNames.KEEP_ALIVE.contentEqualsIgnoreCase(name);
      case 16 -> HttpHeaderNames.PROXY_CONNECTION.contentEqualsIgnoreCase(name);
      case 17 -> HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name);
      default -> false;
    };
  }

  /**
   * Removes, in place, the hop-by-hop headers, those a {@code Connection} header names, and {@code except}
   * (or nothing, when null). One look over the headers finds them; only those found are removed.
   */
  static void strip(HttpHeaders headers, AsciiString except) {
    List<CharSequence> found = null;
    var it = headers.iteratorCharSequence();
    while (it.hasNext()) {
      var header = it.next();
      CharSequence name = header.getKey();
      if (!is(name) && (except == null || !except.contentEqualsIgnoreCase(name))) continue;
      if (found == null) found = new ArrayList<>(4);
      found.add(name);
      if (HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)) named(header.getValue(), found);
    }
    if (found == null) return;
    for (CharSequence name : found) headers.remove(name);
  }

  /** Copies {@code from} into {@code to} without hop-by-hop headers, HTTP/2 pseudo-headers and {@code except}. */
  static void copy(MultiMap from, MultiMap to, Set<String> except) {
    List<CharSequence> named = new ArrayList<>();
    for (String value : from.getAll("connection")) named(value, named);
    for (var entry : from) {
      String name = entry.getKey();
      if (name.startsWith(":")) continue;
      String lower = name.toLowerCase(Locale.ROOT);
      if (is(lower) || except.contains(lower) || named.contains(lower)) continue;
      to.add(name, entry.getValue());
    }
  }

  /** Adds the header names a {@code Connection} value lists, in lower case. */
  private static void named(CharSequence connection, List<CharSequence> into) {
    for (String token : connection.toString().split(",")) {
      String t = token.trim().toLowerCase(Locale.ROOT);
      if (!t.isEmpty()) into.add(t);
    }
  }
}
