package io.archway.admin.auth;

import io.archway.admin.http.JsonReplies;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}, otherwise answers 401. Both
 * sides are hashed before a constant-time comparison, so neither the token's bytes nor its length show in
 * the response time. The token itself is never logged nor echoed.
 */
public final class BearerTokenAuth implements Handler<RoutingContext> {

  private static final String SCHEME = "bearer ";

  private final byte[] expectedDigest;

  public BearerTokenAuth(String token) {
    if (token.isEmpty()) throw new IllegalArgumentException("the admin token is empty");
    this.expectedDigest = sha256(token);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        && MessageDigest.isEqual(expectedDigest, sha256(header.substring(SCHEME.length()).trim()))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"archway\"");
    JsonReplies.error(ctx, 401, header == null
        ? "this admin API needs a token: send Authorization: Bearer <admin.token>"
        : "the Authorization header does not carry the admin token");
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "BearerTokenAuth[token=***]";
  }
}
