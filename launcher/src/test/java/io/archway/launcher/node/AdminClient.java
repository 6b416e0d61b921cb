package io.archway.launcher.node;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for a test node's admin API. */
final class AdminClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String base;

  AdminClient(JsonObject nodeDocument) {
    JsonObject admin = nodeDocument.getJsonObject("admin");
    this.base = "http://" + admin.getString("host") + ":" + admin.getInteger("port");
  }

  HttpResponse<String> send(String method, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** PUTs or DELETEs and returns the committed version; fails the test on any other answer. */
  long write(String method, String path, String body) {
    HttpResponse<String> response = send(method, path, body);
    if (response.statusCode() != 200) {
      throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body()).getLong("version");
  }

  JsonObject get(String path) {
    return new JsonObject(send("GET", path, null).body());
  }
}
