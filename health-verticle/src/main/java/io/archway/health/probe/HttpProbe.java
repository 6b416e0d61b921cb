package io.archway.health.probe;

import io.archway.core.config.HostPort;
import io.archway.core.config.ProbeHttpConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP probe: the target is up when {@code GET path} answers, within the timeout, with an expected
 * status and, when {@code expectBody} is set, a body whose first {@value ProbeHttpConfig#BODY_LIMIT}
 * bytes contain that text. Over TLS when built with TLS options (the pool's trust, client certificate and
 * host name check). Each probe opens a connection of its own and closes it, so a probe checks that the
 * target still accepts connections, not only that an old one still answers.
 */
public final class HttpProbe implements Check {

  private final HttpClient client;
  private final ProbeHttpConfig config;
  private final ClientSSLOptions tls;
  private final Optional<String> serverName;

  /**
   * {@code client}: without keep-alive; {@code tls}: null for plain HTTP; {@code serverName}: the name to
   * send (SNI) and verify over TLS, empty: each target's host.
   */
  public HttpProbe(HttpClient client, ProbeHttpConfig config, ClientSSLOptions tls, Optional<String> serverName) {
    this.client = client;
    this.config = config;
    this.tls = tls;
    this.serverName = serverName;
  }

  @Override
  public Future<Void> check(HostPort target, Duration timeout) {
    long millis = Math.max(1, timeout.toMillis());
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setServer(SocketAddress.inetSocketAddress(target.port(), target.host()))
        .setHost(tls == null ? target.host() : serverName.orElse(target.host()))
        .setPort(target.port())
        .setURI(config.path())
        .setConnectTimeout(millis)
        .setFollowRedirects(false);
    if (tls != null) options.setSsl(true).setSslOptions(tls);
    config.host().ifPresent(h -> options.putHeader(HttpHeaders.HOST, h));
    Promise<HttpClientRequest> sent = Promise.promise();
    // judge() sets the body handlers, so it must run as the response arrives: chained on send() itself,
    // not on a future composed around it (whose listeners may run a tick later, after a short body ended).
    Future<Void> answered = client.request(options).compose(request -> {
      // The probe resets its request once the verdict is in: with no handler, Vert.x logs that as an error.
      request.exceptionHandler(err -> { });
      sent.tryComplete(request);
      return request.send().compose(this::judge);
    });
    // The deadline covers connect, TLS, status and body; whatever is still open then is reset.
    return answered.timeout(millis, TimeUnit.MILLISECONDS).recover(e -> {
      sent.future().onSuccess(HttpClientRequest::reset);
      return Future.failedFuture(e instanceof TimeoutException
          ? new TimeoutException("no HTTP answer within " + millis + "ms") : e);
    });
  }

  private Future<Void> judge(HttpClientResponse response) {
    // Set while the response is new (setting it once the body has ended throws): see abandon().
    response.exceptionHandler(err -> { });
    int status = response.statusCode();
    if (!config.expects(status)) {
      abandon(response);
      return Future.failedFuture("HTTP status " + status + " (expected " + expected() + ")");
    }
    if (config.expectBody().isEmpty()) {
      abandon(response);
      return Future.succeededFuture();
    }
    String wanted = config.expectBody().get();
    Promise<Void> found = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      int room = ProbeHttpConfig.BODY_LIMIT - body.length();
      body.appendBuffer(chunk.length() > room ? chunk.getBuffer(0, room) : chunk);
      if (contains(body, wanted)) {
        found.tryComplete();
        abandon(response);
      } else if (body.length() >= ProbeHttpConfig.BODY_LIMIT) {
        found.tryFail("the first " + ProbeHttpConfig.BODY_LIMIT + " bytes of the body do not contain '" + wanted + "'");
        abandon(response);
      }
    });
    response.endHandler(v -> {
      if (contains(body, wanted)) found.tryComplete();
      else found.tryFail("the body (" + body.length() + " bytes) does not contain '" + wanted + "'");
    });
    response.exceptionHandler(err -> found.tryFail(err));
    return found.future();
  }

  /**
   * Stops reading a response whose verdict is in (the rest of the body is not wanted; the connection is
   * the probe's own). The reset is the probe's doing: the request and the response have handlers for
   * it, without which Vert.x would log it as an error.
   */
  private static void abandon(HttpClientResponse response) {
    response.request().reset();
  }

  private String expected() {
    return String.join(", ", config.expectStatus().stream().map(Object::toString).toList());
  }

  private static boolean contains(Buffer body, String wanted) {
    return body.toString(StandardCharsets.UTF_8).contains(wanted);
  }
}
