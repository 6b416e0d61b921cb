package io.archway.core.config;

import java.security.NoSuchAlgorithmException;
import java.util.Set;
import javax.net.ssl.SSLContext;

/** The cipher suite names a listener may list: those the JVM supports, in IANA spelling. */
final class CipherSuites {

  private static final Set<String> SUPPORTED = supported();

  private CipherSuites() {}

  static boolean known(String name) {
    return SUPPORTED.contains(name);
  }

  private static Set<String> supported() {
    try {
      return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }
}
