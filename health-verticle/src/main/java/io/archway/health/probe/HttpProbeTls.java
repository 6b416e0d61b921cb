package io.archway.health.probe;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.PoolTlsConfig;
import io.archway.core.tls.KeyMaterial;
import io.archway.core.tls.KeyMaterialException;
import io.archway.core.tls.ServerKey;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS of an HTTP probe to a {@code tls} or {@code https} pool, as Vert.x client options built from
 * the same key material the proxy reads for that pool: its trust (else the JVM's CAs), its client
 * certificate, its host name check.
 */
final class HttpProbeTls {

  private static final char[] NO_PASSWORD = new char[0];

  private HttpProbeTls() {}

  static ClientSSLOptions options(PoolTlsConfig tls, Map<String, CertificateConfig> certificates)
      throws KeyMaterialException, GeneralSecurityException, java.io.IOException {
    ClientSSLOptions options = new ClientSSLOptions()
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setHostnameVerificationAlgorithm(tls.verifyHostname() ? "HTTPS" : "");
    if (tls.trustCa().isPresent()) {
      List<X509Certificate> cas = KeyMaterial.authorities(entry(certificates, tls.trustCa().get()));
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca-" + i, cas.get(i));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      options.setTrustOptions(TrustOptions.wrap(trust));
    }
    if (tls.certificate().isPresent()) {
      ServerKey own = KeyMaterial.serverKey(entry(certificates, tls.certificate().get()));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", own.key(), NO_PASSWORD, own.chainArray());
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      options.setKeyCertOptions(KeyCertOptions.wrap(keys));
    }
    return options;
  }

  private static CertificateConfig entry(Map<String, CertificateConfig> certificates, String name)
      throws KeyMaterialException {
    CertificateConfig c = certificates.get(name);
    if (c == null) throw new KeyMaterialException("certificates", "no certificate named '" + name + "'");
    return c;
  }
}
