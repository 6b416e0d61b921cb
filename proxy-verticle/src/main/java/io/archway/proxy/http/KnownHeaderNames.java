package io.archway.proxy.http;

import io.netty.util.AsciiString;
import io.netty.util.internal.PlatformDependent;

/**
 * The names of common response headers, each as targets write them (Title-Case, as NGINX and Apache
 * do, and lower case, as Node and Go do): a name read off the wire that is one of them becomes that
 * shared constant instead of a new string (Netty's request decoder does the same for a few request
 * headers). The case is kept as the target wrote it. Immutable, shared by every event loop.
 */
final class KnownHeaderNames {

  private static final String[] NAMES = {"Accept-Ranges", "Age", "Cache-Control", "Connection",
      "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length", "Content-Location",
      "Content-Range", "Content-Security-Policy", "Content-Type", "Date", "ETag", "Expires", "Keep-Alive",
      "Last-Modified", "Link", "Location", "Pragma", "Retry-After", "Server", "Set-Cookie",
      "Strict-Transport-Security", "Transfer-Encoding", "Vary", "Via", "WWW-Authenticate",
      "Access-Control-Allow-Origin", "X-Content-Type-Options", "X-Frame-Options", "Alt-Svc", "Upgrade"};

  private static final AsciiString[] TABLE = new AsciiString[256];

  static {
    for (String name : NAMES) {
      put(AsciiString.cached(name));
      put(AsciiString.cached(name.toLowerCase(java.util.Locale.ROOT)));
    }
    put(AsciiString.cached("Etag"));
  }

  private KnownHeaderNames() {}

  private static void put(AsciiString name) {
    int mask = TABLE.length - 1;
    int i = name.hashCode() & mask;
    while (TABLE[i] != null) i = (i + 1) & mask;
    TABLE[i] = name;
  }

  /** The constant for the name in {@code bytes[start, start + length)}, exactly as written, or null. */
  static AsciiString find(byte[] bytes, int start, int length) {
    int mask = TABLE.length - 1;
    // The same (case-insensitive) hash as AsciiString's.
    for (int i = PlatformDependent.hashCodeAscii(bytes, start, length) & mask; TABLE[i] != null; i = (i + 1) & mask) {
      AsciiString name = TABLE[i];
      if (name.length() == length
          && PlatformDependent.equals(name.array(), name.arrayOffset(), bytes, start, length)) {
        return name;
      }
    }
    return null;
  }
}
