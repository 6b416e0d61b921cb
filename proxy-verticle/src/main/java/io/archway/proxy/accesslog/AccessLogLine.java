package io.archway.proxy.accesslog;

import io.vertx.core.json.JsonObject;

/** One line of the access log: a finished connection or a finished HTTP request. */
public interface AccessLogLine {

  /** The line's JSON object; called on the log's writer thread. */
  JsonObject toJson();
}
