package io.archway.proxy.accesslog;

import io.vertx.core.json.JsonObject;

/**
 * The interim line of a connection still open: the fields of its final line so far ({@code bytesIn},
 * {@code bytesOut} and {@code durationMs} up to now), {@code "event":"open"}, and no {@code termination}.
 */
public record OpenConnectionLine(AccessLogEntry sofar) implements AccessLogLine {

  @Override
  public JsonObject toJson() {
    JsonObject json = sofar.toJson();
    json.remove("termination");
    return json.put("event", "open");
  }
}
