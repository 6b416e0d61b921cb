package io.archway.core.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
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

  @Override
  public String toString() {
    return "ServerKey[" + name + ", " + leaf().getSubjectX500Principal().getName() + "]";
  }
}
