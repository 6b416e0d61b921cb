package io.archway.core.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** A private key and its certificate chain, leaf first, as one certificate entry holds them. */
public record ServerKey(String name, PrivateKey key, List<X509Certificate> chain) {

  public ServerKey {
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public X509Certificate[] chainArray() {
    return chain.toArray(new X509Certificate[0]);
  }

  /**
   * The key as PEM text in PKCS#8, the form every PEM reader takes (Vert.x's knows no SEC1 EC key): for
   * handing to a TLS library in memory, never to a log.
   */
  public String keyPem() {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /** The chain as PEM text, leaf first. */
  public String chainPem() {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : chain) {
      try {
        out.append(pem("CERTIFICATE", c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("certificate of entry '" + name + "' cannot be encoded", e);
      }
    }
    return out.toString();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  @Override
  public String toString() {
    return "ServerKey[" + name + ", " + leaf().getSubjectX500Principal().getName() + "]";
  }
}
