package io.archway.proxy.tls;

import io.archway.core.tls.TlsEngine;
import java.util.ArrayList;
import java.util.List;

/** The TLS engines a test runs under: the JDK's always, OpenSSL when it loads here. */
final class Engines {

  private Engines() {}

  static List<String> all() {
    List<String> engines = new ArrayList<>(List.of("jdk"));
    if (TlsEngine.openSslAvailable()) {
      engines.add("openssl");
    } else {
      System.err.println("OpenSSL (netty-tcnative) does not load here: TLS tests run on the JDK engine only");
    }
    return engines;
  }

  static void use(String engine) {
    System.setProperty(TlsEngine.PROPERTY, engine);
  }

  static void reset() {
    System.clearProperty(TlsEngine.PROPERTY);
  }
}
