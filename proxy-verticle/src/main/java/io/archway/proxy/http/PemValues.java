package io.archway.proxy.http;

import io.archway.core.config.CertificateConfig;
import io.archway.core.tls.KeyMaterial;
import io.archway.core.tls.KeyMaterialException;
import io.archway.core.tls.ServerKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * A PEM certificate entry for Vert.x's TLS options, as values read by {@link KeyMaterial} with the key
 * in PKCS#8: Vert.x's PEM reader does not know every key form the config accepts (SEC1 EC keys).
 * Blocking: reads the entry's files.
 */
final class PemValues {

  private PemValues() {}

  /** Adds {@code entry}'s chain and key to {@code pem}; throws naming the entry and the problem. */
  static PemKeyCertOptions add(PemKeyCertOptions pem, CertificateConfig entry) {
    ServerKey key;
    try {
      key = KeyMaterial.serverKey(entry);
    } catch (KeyMaterialException e) {
      throw new IllegalArgumentException("certificate '" + entry.name() + "': " + e.getMessage());
    }
    return pem.addCertValue(Buffer.buffer(key.chainPem())).addKeyValue(Buffer.buffer(key.keyPem()));
  }
}
