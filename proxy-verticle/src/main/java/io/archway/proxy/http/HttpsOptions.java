package io.archway.proxy.http;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.ClientAuth;
import io.archway.core.config.ListenerTlsConfig;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The TLS of an {@code https} listener as Vert.x's HTTP server takes it: the listener's certificates
 * (several: chosen by SNI), versions, ciphers, client authentication and ALPN. PEM entries are read here
 * ({@link PemValues}, blocking) and handed over as values; Vert.x reads a PKCS#12 file and the client CAs.
 */
final class HttpsOptions {

  private HttpsOptions() {}

  /** Fails naming the problem when the certificates cannot be combined. */
  static ServerSSLOptions of(ListenerTlsConfig tls, Map<String, CertificateConfig> certificates, boolean http2) {
    ServerSSLOptions options = new ServerSSLOptions()
        .setKeyCertOptions(keys(tls.certificates(), certificates))
        .setSni(true)
        .setUseAlpn(http2)
        .setSslHandshakeTimeout(tls.handshakeTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
        .setEnabledSecureTransportProtocols(versions(tls.minVersion()));
    tls.cipherSuites().forEach(options::addEnabledCipherSuite);
    options.setClientAuth(switch (tls.clientAuth()) {
      case NONE -> io.vertx.core.http.ClientAuth.NONE;
      case OPTIONAL -> io.vertx.core.http.ClientAuth.REQUEST;
      case REQUIRED -> io.vertx.core.http.ClientAuth.REQUIRED;
    });
    if (tls.clientAuth() != ClientAuth.NONE) {
      tls.clientCa().map(certificates::get).ifPresent(ca ->
          options.setTrustOptions(new PemTrustOptions().addCertPath(ca.ca().or(ca::cert).orElseThrow())));
    }
    return options;
  }

  private static Set<String> versions(String min) {
    Set<String> versions = new LinkedHashSet<>();
    if (min.equals("TLSv1.2")) versions.add("TLSv1.2");
    versions.add("TLSv1.3");
    return versions;
  }

  /** PEM entries together (the first is the default); a PKCS#12 entry only alone. */
  private static KeyCertOptions keys(List<String> names, Map<String, CertificateConfig> certificates) {
    List<CertificateConfig> entries = names.stream().map(certificates::get).filter(java.util.Objects::nonNull).toList();
    if (entries.isEmpty()) throw new IllegalArgumentException("the listener names no certificate");
    if (entries.size() == 1 && entries.get(0).pkcs12().isPresent()) {
      CertificateConfig c = entries.get(0);
      return new PfxOptions().setPath(c.pkcs12().get()).setPassword(c.password().orElse(""));
    }
    PemKeyCertOptions pem = new PemKeyCertOptions();
    for (CertificateConfig c : entries) {
      if (c.cert().isEmpty() || c.key().isEmpty()) {
        throw new IllegalArgumentException("certificate '" + c.name()
            + "': an https listener with several certificates takes PEM entries (cert and key) only");
      }
      PemValues.add(pem, c);
    }
    return pem;
  }
}
