package io.archway.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.Map;

/**
 * Headers between an HTTP/2 stream and the HTTP/1.1 messages {@link Forward} passes on, in one pass
 * each way. A request's {@code :authority} becomes {@code Host} and its cookie crumbs are joined
 * (RFC 9113 8.2.3, 8.3.1); a response's names go to lower case, and the connection-specific ones
 * (which {@link HopByHop} has taken out already) and {@code Host} are left out. Netty's HPACK decoder
 * has checked a request's headers: lower-case names, pseudo-headers first, no connection-specific
 * ones, {@code te} only {@code trailers}. The common names are lowered without allocating
 * ({@link KnownHeaderNames}).
 */
final class H2Headers {

  private H2Headers() {}

  /**
   * A request's headers as HTTP/1.1 ones, or null when they are malformed: a {@code host} that
   * differs from {@code :authority}.
   */
  static HeadersMultiMap request(Http2Headers in) {
    HeadersMultiMap out = HeadersMultiMap.httpHeaders();
    CharSequence host = null;
    StringBuilder cookies = null;
    for (Map.Entry<CharSequence, CharSequence> e : in) {
      CharSequence name = e.getKey();
      CharSequence value = e.getValue();
      boolean pseudo = name.length() > 0 && name.charAt(0) == ':';
      if (pseudo ? Http2Headers.PseudoHeaderName.AUTHORITY.value().contentEquals(name)
          : HttpHeaderNames.HOST.contentEquals(name)) {
        // :authority and host name the same thing: they must agree, and become one Host.
        if (host != null && !AsciiString.contentEqualsIgnoreCase(host, value)) return null;
        if (host == null) out.add(HttpHeaderNames.HOST, value);
        host = value;
      } else if (pseudo) {
        continue; // :method, :scheme and :path are the request line's
      } else if (HttpHeaderNames.COOKIE.contentEquals(name)) {
        if (cookies == null) {
          cookies = new StringBuilder(value.length() + 16);
        } else {
          cookies.append("; ");
        }
        cookies.append(value);
      } else {
        out.add(name, value);
      }
    }
    if (cookies != null) out.add(HttpHeaderNames.COOKIE, cookies.toString());
    return out;
  }

  /** A response head's status and headers as an HTTP/2 HEADERS frame's. */
  static Http2Headers response(HttpResponse head) {
    Http2Headers out = new DefaultHttp2Headers(false);
    out.status(head.status().codeAsText());
    copy(head.headers(), out);
    return out;
  }

  /** Trailers as an HTTP/2 HEADERS frame's. */
  static Http2Headers trailers(HttpHeaders in) {
    Http2Headers out = new DefaultHttp2Headers(false);
    copy(in, out);
    return out;
  }

  private static void copy(HttpHeaders in, Http2Headers out) {
    var it = in.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      AsciiString name = KnownHeaderNames.lower(e.getKey());
      // HTTP/2 has no connection-specific headers, and :authority in place of Host.
      if (!HopByHop.is(name) && !HttpHeaderNames.HOST.contentEquals(name)) out.add(name, e.getValue());
    }
  }
}
