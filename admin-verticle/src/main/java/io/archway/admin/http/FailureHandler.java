package io.archway.admin.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger.Level;

/**
 * Answers every request that failed or matched no route with a JSON error. Unexpected failures are
 * logged here with their stack trace and reach the client only as a short message, so internals stay in
 * the node's log.
 */
public final class FailureHandler implements Handler<RoutingContext> {

  private static final System.Logger LOG = System.getLogger(FailureHandler.class.getName());

  private final Rejections rejections;

  public FailureHandler(Rejections rejections) {
    this.rejections = rejections;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
    Throwable failure = ctx.failure();
    if (status >= 500 && failure != null) {
      LOG.log(Level.WARNING, "admin " + ctx.request().method() + " " + ctx.request().path() + " failed", failure);
    }
    if (status == 413) rejections.rejected(ctx, status, "too_large", "the body is over the admin's limit");
    if (status == 400) rejections.rejected(ctx, status, "bad_request", "not a well-formed request");
    JsonReplies.error(ctx, status, message(status, ctx));
  }

  private static String message(int status, RoutingContext ctx) {
    return switch (status) {
      case 404 -> "no such admin path: " + ctx.request().path();
      case 405 -> ctx.request().method() + " is not allowed on " + ctx.request().path();
      case 413 -> "request body too large";
      case 500 -> "internal error; the node's log has the details";
      case 503 -> "the cluster state is not reachable right now; try again";
      default -> "request failed with status " + status;
    };
  }
}
