package io.archway.proxy.accesslog;

import io.vertx.core.json.JsonObject;

/**
 * Anything the access log writes: built on the event loop from plain values, turned into one JSON line
 * on the writer thread. Connection lines ({@link AccessLogEntry}, {@link OpenConnectionLine}) and request
 * lines alike go through {@link AccessLog#log}.
 */
public interface AccessLogLine {

  /** The line's fields; called on the writer thread, never on an event loop. */
  JsonObject toJson();
}
