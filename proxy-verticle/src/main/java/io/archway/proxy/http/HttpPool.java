package io.archway.proxy.http;

import io.archway.core.config.Affinity;
import io.archway.core.config.PoolHttpConfig;
import io.archway.core.health.HealthView;
import io.archway.core.health.TargetHealth;
import io.archway.proxy.pool.Pool;
import io.archway.proxy.pool.Target;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.WebSocketClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An HTTP pool as one proxy verticle runs it: the pool's targets and balancing, the HTTP client that
 * keeps connections to them, and cookie affinity. A config change builds a new one; the client is kept
 * when nothing it depends on changed.
 */
final class HttpPool {

  private final Pool pool;
  private final HttpClientAgent client;
  private final WebSocketClient webSockets;
  private final TargetConnections connections;
  private final HealthView health;
  /** Each target's affinity cookie value: a digest, so the cookie does not reveal target addresses. */
  private final String[] cookieValues;
  private final Map<String, Integer> byCookie = new HashMap<>();

  HttpPool(Pool pool, HttpClientAgent client, WebSocketClient webSockets, TargetConnections connections,
      HealthView health) {
    this.pool = pool;
    this.client = client;
    this.webSockets = webSockets;
    this.connections = connections;
    this.health = health;
    int n = pool.config().targets().size();
    this.cookieValues = new String[n];
    for (int i = 0; i < n; i++) {
      cookieValues[i] = digest(pool.name() + "|" + pool.target(i).key());
      byCookie.put(cookieValues[i], i);
    }
  }

  Pool pool() {
    return pool;
  }

  HttpClientAgent client() {
    return client;
  }

  /** The connections to its targets that the Netty-level listeners ({@link PlainHttpListener}) use. */
  TargetConnections connections() {
    return connections;
  }

  /** The client for WebSocket upgrades to this pool's targets. */
  WebSocketClient webSockets() {
    return webSockets;
  }

  PoolHttpConfig http() {
    return pool.config().http();
  }

  String name() {
    return pool.name();
  }

  Target target(int index) {
    return pool.target(index);
  }

  /**
   * The target for attempt number {@code count} of a request: on the first, the one its affinity cookie
   * ({@code cookieValue}, asked only then) names if still usable; else the next round robin among those
   * not {@code tried}; -1 when none is left.
   */
  int next(int[] tried, int count, Supplier<String> cookieValue) {
    int index = count == 0 && affinity() ? affine(cookieValue.get()) : -1;
    if (index < 0 && count < tried.length) index = pick(tried, count);
    return index;
  }

  /** The next target round robin, as {@link Pool#pick}. */
  int pick(int[] tried, int count) {
    return pool.pick(tried, count, null);
  }

  boolean affinity() {
    return http().affinity() == Affinity.COOKIE;
  }

  /** The target an affinity cookie names, when it is still enabled and healthy; -1 otherwise. */
  int affine(String cookieValue) {
    Integer index = cookieValue == null ? null : byCookie.get(cookieValue);
    if (index == null) return -1;
    Target t = pool.target(index);
    boolean usable = t.enabled() && health.pool(pool.name()).get(t.key()) == TargetHealth.HEALTHY;
    return usable ? index : -1;
  }

  String cookieValue(int index) {
    return cookieValues[index];
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
