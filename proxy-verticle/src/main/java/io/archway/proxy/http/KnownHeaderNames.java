package io.archway.proxy.http;

import io.netty.util.AsciiString;
import io.netty.util.internal.PlatformDependent;
import java.util.Locale;

/**
 * The names of common (mostly response) headers as shared constants, so that reading and converting them
 * allocates nothing. Each is known as targets write it (Title-Case, as NGINX and Apache do, and lower
 * case, as Node and Go do): a name read off the wire that is one of them becomes that constant,
 * in the case the target wrote it (Netty's request decoder does the same for a few request headers);
 * and each has its lower-case form for HTTP/2. Immutable, shared by every event loop.
 */
final class KnownHeaderNames {

  private static final String[] NAMES = {"Accept-Ranges", "Access-Control-Allow-Credentials",
      "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Origin",
      "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Age", "Allow", "Alt-Svc", "Cache-Control",
      "Connection", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
      "Content-Location", "Content-Range", "Content-Security-Policy", "Content-Type", "Date", "ETag", "Etag",
      "Expires", "Host", "Keep-Alive", "Last-Modified", "Link", "Location", "Pragma", "Retry-After", "Server",
      "Set-Cookie", "Strict-Transport-Security", "Trailer", "Transfer-Encoding", "Upgrade", "Vary", "Via",
      "WWW-Authenticate", "X-Content-Type-Options", "X-Frame-Options"};

  /** The names as written, by their case-insensitive hash (AsciiString's), open addressing. */
  private static final AsciiString[] WRITTEN = new AsciiString[256];
  /** The lower-case form of the name in the same slot of {@link #WRITTEN}. */
  private static final AsciiString[] LOWER = new AsciiString[WRITTEN.length];
  private static final int MASK = WRITTEN.length - 1;

  static {
    for (String name : NAMES) {
      AsciiString lower = AsciiString.cached(name.toLowerCase(Locale.ROOT));
      put(AsciiString.cached(name), lower);
      if (!lower.contentEquals(AsciiString.of(name))) put(lower, lower);
    }
  }

  private KnownHeaderNames() {}

  private static void put(AsciiString written, AsciiString lower) {
    int i = written.hashCode() & MASK;
    while (WRITTEN[i] != null) {
      if (WRITTEN[i].contentEquals(written)) return;
      i = (i + 1) & MASK;
    }
    WRITTEN[i] = written;
    LOWER[i] = lower;
  }

  /** The constant for the name in {@code bytes[start, start + length)}, exactly as written, or null. */
  static AsciiString find(byte[] bytes, int start, int length) {
    for (int i = PlatformDependent.hashCodeAscii(bytes, start, length) & MASK; WRITTEN[i] != null; i = (i + 1) & MASK) {
      AsciiString name = WRITTEN[i];
      if (name.length() == length
          && PlatformDependent.equals(name.array(), name.arrayOffset(), bytes, start, length)) {
        return name;
      }
    }
    return null;
  }

  /** {@code name} in lower case: a known one's constant, any other lowered afresh. */
  static AsciiString lower(CharSequence name) {
    for (int i = AsciiString.hashCode(name) & MASK; WRITTEN[i] != null; i = (i + 1) & MASK) {
      if (WRITTEN[i].contentEqualsIgnoreCase(name)) return LOWER[i];
    }
    return AsciiString.of(name).toLowerCase();
  }
}
