package io.archway.health.probe;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.PoolProtocol;
import io.archway.core.config.PoolTlsConfig;
import io.archway.core.config.ProbeType;
import io.archway.core.config.ProxyProtocol;
import io.archway.core.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The check each pool's probes run: a TCP connect, a TLS handshake, or an HTTP request. A TLS pool's
 * probe uses the pool's own TLS settings; a TCP pool's (such as one behind a passthrough listener) only
 * checks that the target completes a handshake, trusting any certificate. An HTTP probe speaks plain
 * HTTP to a {@code tcp} or {@code http} pool and HTTPS, with the pool's TLS settings, to a {@code tls}
 * or {@code https} pool. Checks are kept per pool until its settings change. Confined to the health
 * verticle's context.
 */
public final class ProbeChecks {

  private record Built(Object settings, Check check) {}

  private final NetClient client;
  private final HttpClient http;
  private final TcpProbe tcp;
  private final Map<ProxyProtocol, TcpProbe> tcpWithHeader = new EnumMap<>(ProxyProtocol.class);
  private final Map<String, Built> tls = new HashMap<>();

  /** {@code http}: a client without keep-alive, for HTTP probes. */
  public ProbeChecks(NetClient client, HttpClient http) {
    this.client = client;
    this.http = http;
    this.tcp = new TcpProbe(client);
  }

  public Check forPool(PoolConfig pool, Map<String, CertificateConfig> certificates) {
    if (pool.probe().type() == ProbeType.HTTP) return httpCheck(pool, certificates);
    ProxyProtocol header = pool.traffic().proxyProtocol().orElse(null);
    if (pool.probe().type() != ProbeType.TLS) {
      return header == null ? tcp : tcpWithHeader.computeIfAbsent(header, v -> new TcpProbe(client, v));
    }
    boolean tlsPool = pool.protocol() == PoolProtocol.TLS;
    PoolTlsConfig settings = pool.tls().orElseGet(PoolTlsConfig::defaults);
    List<CertificateConfig> used = new ArrayList<>();
    if (tlsPool) {
      settings.trustCa().map(certificates::get).filter(Objects::nonNull).ifPresent(used::add);
      settings.certificate().map(certificates::get).filter(Objects::nonNull).ifPresent(used::add);
    }
    Object key = List.of(tlsPool, settings, used, Optional.ofNullable(header));
    Built built = tls.get(pool.name());
    if (built != null && built.settings().equals(key)) return built.check();
    Check check;
    try {
      SslContext context = tlsPool ? TlsContexts.pool(settings, certificates) : TlsContexts.anyServer();
      check = new TlsProbe(client, context, tlsPool ? settings.sni() : Optional.empty(), header);
    } catch (Exception e) {
      String reason = "cannot build the TLS probe of pool '" + pool.name() + "': " + e.getMessage();
      check = (target, timeout) -> Future.failedFuture(reason);
    }
    tls.put(pool.name(), new Built(key, check));
    return check;
  }

  private Check httpCheck(PoolConfig pool, Map<String, CertificateConfig> certificates) {
    boolean overTls = pool.protocol() == PoolProtocol.TLS || pool.protocol() == PoolProtocol.HTTPS;
    PoolTlsConfig settings = pool.tls().orElseGet(PoolTlsConfig::defaults);
    List<CertificateConfig> used = new ArrayList<>();
    if (overTls) {
      settings.trustCa().map(certificates::get).filter(Objects::nonNull).ifPresent(used::add);
      settings.certificate().map(certificates::get).filter(Objects::nonNull).ifPresent(used::add);
    }
    Object key = List.of("http", pool.probe().http(), overTls, settings, used);
    Built built = tls.get(pool.name());
    if (built != null && built.settings().equals(key)) return built.check();
    Check check;
    try {
      ClientSSLOptions options = overTls ? HttpProbeTls.options(settings, certificates) : null;
      check = new HttpProbe(http, pool.probe().http(), options, overTls ? settings.sni() : Optional.empty());
    } catch (Exception e) {
      String reason = "cannot build the HTTPS probe of pool '" + pool.name() + "': " + e.getMessage();
      check = (target, timeout) -> Future.failedFuture(reason);
    }
    tls.put(pool.name(), new Built(key, check));
    return check;
  }

  public void retain(Set<String> pools) {
    tls.keySet().retainAll(pools);
  }
}
