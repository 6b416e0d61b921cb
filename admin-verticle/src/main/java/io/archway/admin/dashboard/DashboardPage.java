package io.archway.admin.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /}: a placeholder page naming the node and linking to the admin API; it loads nothing from
 * elsewhere, and its content security policy forbids scripts and outside requests outright.
 */
public final class DashboardPage implements Handler<RoutingContext> {

  static final String RESOURCE = "/io/archway/admin/dashboard/index.html";
  private static final String SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

  private final String html;

  private DashboardPage(String html) {
    this.html = html;
  }

  /** Completes with the page for {@code nodeName}, read from the classpath off the event loop. */
  public static Future<DashboardPage> load(Vertx vertx, String nodeName) {
    return vertx.executeBlocking(() -> new DashboardPage(read().replace("{{node}}", escape(nodeName))));
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Cache-Control", "no-store")
        .end(html);
  }

  private static String read() {
    try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("the admin jar lacks " + RESOURCE);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node name comes from the host name or the command line, so it is escaped rather than trusted. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
