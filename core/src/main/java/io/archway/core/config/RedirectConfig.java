package io.archway.core.config;

/**
 * A route's redirect: {@code to} may hold {@code {host}}, {@code {path}} and {@code {query}}, replaced by
 * the request's ({@code {query}} with its {@code ?}, and empty for a request without one).
 */
public record RedirectConfig(String to, int status) {

  public static final int DEFAULT_STATUS = 302;
}
