package io.archway.core.tls;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.ClientAuth;
import io.archway.core.config.ListenerTlsConfig;
import io.archway.core.config.PoolTlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Builds Netty TLS contexts from the config: one per certificate of a TLS listener, and one per TLS
 * pool (or probe). Blocking (reads files): call at apply time, off the hot path.
 */
public final class TlsContexts {

  /** The suites of TLS 1.3, kept on when an operator lists only TLS 1.2 suites. */
  static final List<String> TLS13_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  private TlsContexts() {}

  /** The protocols enabled for a floor: TLS 1.3 is always on, TLS 1.2 unless the floor is 1.3. */
  public static String[] protocols(String minVersion) {
    return "TLSv1.3".equals(minVersion) ? new String[] {"TLSv1.3"} : new String[] {"TLSv1.3", "TLSv1.2"};
  }

  /** A server context presenting {@code key}, with the listener's protocols, suites and client certificates. */
  public static SslContext server(ServerKey key, ListenerTlsConfig tls, List<X509Certificate> clientCas)
      throws SSLException {
    SslContextBuilder builder = SslContextBuilder.forServer(key.key(), key.chainArray())
        .sslProvider(TlsEngine.provider())
        .protocols(protocols(tls.minVersion()));
    if (!tls.cipherSuites().isEmpty()) {
      List<String> suites = new ArrayList<>(tls.cipherSuites());
      if (suites.stream().noneMatch(TLS13_SUITES::contains)) suites.addAll(TLS13_SUITES);
      // Only the added TLS 1.3 defaults can be missing here: the validator checked the listed names.
      builder.ciphers(suites, SupportedCipherSuiteFilter.INSTANCE);
    }
    if (tls.clientAuth() != ClientAuth.NONE) {
      builder.clientAuth(tls.clientAuth() == ClientAuth.REQUIRED
          ? io.netty.handler.ssl.ClientAuth.REQUIRE : io.netty.handler.ssl.ClientAuth.OPTIONAL);
      builder.trustManager(clientCas);
    }
    return builder.build();
  }

  /**
   * A client context for a TLS pool: trusts its {@code trustCa} (or the system's CAs), verifies the
   * host name unless switched off, and presents its client {@code certificate} if any.
   */
  public static SslContext pool(PoolTlsConfig tls, Map<String, CertificateConfig> certificates)
      throws SSLException, KeyMaterialException {
    SslContextBuilder builder = SslContextBuilder.forClient()
        .sslProvider(TlsEngine.provider())
        .protocols(protocols("TLSv1.2"))
        .endpointIdentificationAlgorithm(tls.verifyHostname() ? "HTTPS" : null);
    if (tls.trustCa().isPresent()) builder.trustManager(KeyMaterial.authorities(entry(certificates, tls.trustCa().get())));
    if (tls.certificate().isPresent()) {
      ServerKey own = KeyMaterial.serverKey(entry(certificates, tls.certificate().get()));
      builder.keyManager(own.key(), own.chainArray());
    }
    return builder.build();
  }

  /** A client context that completes a handshake with any server: only checks that a target speaks TLS. */
  public static SslContext anyServer() throws SSLException {
    return SslContextBuilder.forClient()
        .sslProvider(TlsEngine.provider())
        .protocols(protocols("TLSv1.2"))
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .endpointIdentificationAlgorithm(null)
        .build();
  }

  static CertificateConfig entry(Map<String, CertificateConfig> certificates, String name) throws KeyMaterialException {
    CertificateConfig c = certificates.get(name);
    if (c == null) throw new KeyMaterialException("name", "no certificate named '" + name + "'");
    return c;
  }
}
