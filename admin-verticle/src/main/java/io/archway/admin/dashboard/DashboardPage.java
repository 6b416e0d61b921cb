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
 * {@code GET /}: the dashboard, a static page whose script polls this node's admin API. It loads nothing
 * from elsewhere: its content security policy allows scripts, styles and requests from this origin only.
 */
public final class DashboardPage implements Handler<RoutingContext> {

  static final String RESOURCE = "/io/archway/admin/dashboard/index.html";
  private static final String FOLDER = "/io/archway/admin/dashboard/";
  private static final String SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";

  private final String html;
  private final String script;
  private final String style;

  private DashboardPage(String html, String script, String style) {
    this.html = html;
    this.script = script;
    this.style = style;
  }

  /** Completes with the page for {@code nodeName}, read from the classpath off the event loop. */
  public static Future<DashboardPage> load(Vertx vertx, String nodeName) {
    return vertx.executeBlocking(() -> new DashboardPage(read(RESOURCE).replace("{{node}}", escape(nodeName)),
        read(FOLDER + "dashboard.js"), read(FOLDER + "dashboard.css")));
  }

  /** {@code GET /}. */
  @Override
  public void handle(RoutingContext ctx) {
    send(ctx, "text/html; charset=utf-8", html);
  }

  /** {@code GET /dashboard/dashboard.js}. */
  public void script(RoutingContext ctx) {
    send(ctx, "text/javascript; charset=utf-8", script);
  }

  /** {@code GET /dashboard/dashboard.css}. */
  public void style(RoutingContext ctx) {
    send(ctx, "text/css; charset=utf-8", style);
  }

  private static void send(RoutingContext ctx, String type, String body) {
    ctx.response()
        .putHeader("Content-Type", type)
        .putHeader("Content-Security-Policy", SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }

  private static String read(String resource) {
    try (InputStream in = DashboardPage.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("the admin jar lacks " + resource);
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
