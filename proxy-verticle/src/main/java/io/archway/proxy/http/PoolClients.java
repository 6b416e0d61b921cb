package io.archway.proxy.http;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.PoolProtocol;
import io.archway.core.config.PoolTlsConfig;
import io.archway.core.health.HealthView;
import io.archway.proxy.pool.Pool;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP pools of one proxy verticle, each with its own Vert.x HTTP client (and so its own
 * connection pool per target, on this verticle's event loop). Confined to the verticle's context.
 */
public final class PoolClients {

  /** What a pool's client is built from: when it is unchanged, the client and its connections stay. */
  private record Settings(PoolProtocol protocol, int version, int maxConnections, long connectMillis, long idleMillis,
      Optional<PoolTlsConfig> tls, List<CertificateConfig> certificates) {}

  private record Entry(Settings settings, HttpClientAgent client, WebSocketClient webSockets,
      TargetConnections connections, HttpPool pool) {}

  private final Vertx vertx;
  private final HealthView health;
  private final Map<String, Entry> pools = new HashMap<>();
  /** Vert.x's own name resolver, for the Netty-level connections to targets named by host name. */
  private final io.netty.resolver.AddressResolverGroup<java.net.InetSocketAddress> resolver;

  public PoolClients(Vertx vertx, HealthView health) {
    this.vertx = vertx;
    this.health = health;
    this.resolver = ((io.vertx.core.internal.VertxInternal) vertx).nameResolver().nettyAddressResolverGroup();
  }

  /**
   * Takes the pools of a new config: HTTP pools get a client (kept when its settings are unchanged);
   * the clients of pools gone or changed finish their requests in flight for the pool's drain
   * timeout, then close.
   */
  public void update(Map<String, Pool> all, Map<String, CertificateConfig> certificates) {
    Map<String, Entry> next = new HashMap<>();
    for (Pool p : all.values()) {
      PoolConfig pc = p.config();
      if (pc.protocol() != PoolProtocol.HTTP && pc.protocol() != PoolProtocol.HTTPS) continue;
      Settings settings = settings(pc, certificates);
      Entry current = pools.get(pc.name());
      boolean same = current != null && current.settings().equals(settings);
      HttpClientAgent client = same ? current.client() : client(pc, certificates);
      WebSocketClient webSockets = same ? current.webSockets() : webSockets(pc, certificates);
      TargetConnections connections = same ? current.connections() : new TargetConnections(pc, resolver, p::connected);
      if (same) connections.keepOnly(targetKeys(p));
      HttpPool pool = same && current.pool().pool() == p ? current.pool()
          : new HttpPool(p, client, webSockets, connections, health);
      next.put(pc.name(), new Entry(settings, client, webSockets, connections, pool));
    }
    pools.forEach((name, old) -> {
      Entry kept = next.get(name);
      if (kept == null || kept.client() != old.client()) {
        long drain = old.pool().pool().drainTimeout().toMillis();
        old.client().shutdown(drain, TimeUnit.MILLISECONDS);
        old.webSockets().shutdown(drain, TimeUnit.MILLISECONDS);
        old.connections().retire();
      }
    });
    pools.clear();
    pools.putAll(next);
  }

  private static Set<String> targetKeys(Pool pool) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < pool.size(); i++) keys.add(pool.target(i).key());
    return keys;
  }

  /** The HTTP pool named so, or null. */
  HttpPool get(String name) {
    Entry e = pools.get(name);
    return e == null ? null : e.pool();
  }

  /** Closes every client now (the verticle stops). */
  public void close() {
    pools.values().forEach(e -> {
      e.client().close();
      e.webSockets().close();
      e.connections().retire();
    });
    pools.clear();
  }

  private static Settings settings(PoolConfig pc, Map<String, CertificateConfig> certificates) {
    List<CertificateConfig> used = pc.tls().stream()
        .flatMap(t -> java.util.stream.Stream.of(t.trustCa(), t.certificate()))
        .flatMap(Optional::stream).map(certificates::get).filter(java.util.Objects::nonNull).toList();
    return new Settings(pc.protocol(), pc.http().version(), pc.http().maxConnections(),
        pc.connectTimeout().toMillis(), pc.idleTimeout().toMillis(),
        pc.protocol() == PoolProtocol.HTTPS ? pc.tls() : Optional.empty(), used);
  }

  private HttpClientAgent client(PoolConfig pc, Map<String, CertificateConfig> certificates) {
    boolean h2 = pc.http().version() == 2;
    HttpClientOptions options = new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, pc.connectTimeout().toMillis()))
        .setTcpNoDelay(true)
        .setKeepAlive(true)
        // An unused connection is closed after the pool's idle timeout: keep it below the targets' own.
        .setKeepAliveTimeout((int) Math.max(1, pc.idleTimeout().toSeconds()))
        .setHttp2KeepAliveTimeout((int) Math.max(1, pc.idleTimeout().toSeconds()))
        .setPipelining(false)
        .setDecompressionSupported(false)
        .setMaxRedirects(0)
        .setProtocolVersion(h2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1)
        // h2 to a plain target: prior knowledge, no Upgrade round trip.
        .setHttp2ClearTextUpgrade(false);
    if (pc.protocol() == PoolProtocol.HTTPS) {
      PoolTlsConfig tls = pc.tls().orElseGet(PoolTlsConfig::defaults);
      options.setSsl(true).setUseAlpn(h2).setVerifyHost(tls.verifyHostname()).setForceSni(true);
      tls.trustCa().map(certificates::get).ifPresent(ca -> options.setTrustOptions(trust(ca)));
      tls.certificate().map(certificates::get).ifPresent(c -> options.setKeyCertOptions(keyCert(c)));
    }
    PoolOptions poolOptions = new PoolOptions()
        .setHttp1MaxSize(pc.http().maxConnections())
        .setHttp2MaxSize(pc.http().maxConnections());
    return vertx.httpClientBuilder().with(options).with(poolOptions).build();
  }

  private WebSocketClient webSockets(PoolConfig pc, Map<String, CertificateConfig> certificates) {
    WebSocketClientOptions options = new WebSocketClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, pc.connectTimeout().toMillis()))
        .setTcpNoDelay(true)
        .setMaxFrameSize(HttpListener.MAX_WEBSOCKET_FRAME)
        .setMaxConnections(Integer.MAX_VALUE);
    if (pc.protocol() == PoolProtocol.HTTPS) {
      PoolTlsConfig tls = pc.tls().orElseGet(PoolTlsConfig::defaults);
      options.setSsl(true).setVerifyHost(tls.verifyHostname());
      tls.trustCa().map(certificates::get).ifPresent(ca -> options.setTrustOptions(trust(ca)));
      tls.certificate().map(certificates::get).ifPresent(c -> options.setKeyCertOptions(keyCert(c)));
    }
    return vertx.createWebSocketClient(options);
  }

  private static KeyCertOptions keyCert(CertificateConfig c) {
    if (c.pkcs12().isPresent()) {
      return new PfxOptions().setPath(c.pkcs12().get()).setPassword(c.password().orElse(""));
    }
    try {
      return PemValues.add(new PemKeyCertOptions(), c);
    } catch (IllegalArgumentException unreadable) {
      // The files changed since the config was checked: Vert.x reads them at connect and fails those.
      return new PemKeyCertOptions().setCertPath(c.cert().orElseThrow()).setKeyPath(c.key().orElseThrow());
    }
  }

  private static PemTrustOptions trust(CertificateConfig ca) {
    return new PemTrustOptions().addCertPath(ca.ca().or(ca::cert).orElseThrow());
  }
}
