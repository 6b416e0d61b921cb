package io.archway.core.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks across entries of a config, once each entry has been read on its own: names that refer to
 * pools and certificates that exist, and listeners that do not share an address.
 */
final class CrossChecks {

  private final List<Problem> problems;

  CrossChecks(List<Problem> problems) {
    this.problems = problems;
  }

  void references(List<ListenerConfig> listeners, List<PoolConfig> pools,
      List<CertificateConfig> certificates, Set<String> poolNames, Set<String> certNames) {
    Map<String, CertificateConfig> certs = new HashMap<>();
    certificates.forEach(c -> certs.put(c.name(), c));
    for (int i = 0; i < listeners.size(); i++) {
      ListenerConfig l = listeners.get(i);
      String at = "listeners[" + i + "]";
      if (!l.pool().isEmpty() && !poolNames.contains(l.pool())) {
        problems.add(new Problem(at + ".pool", "no pool named '" + l.pool() + "' (pools: " + poolNames + ")"));
      }
      for (int j = 0; j < l.sni().size(); j++) {
        String p = l.sni().get(j).pool();
        if (!p.isEmpty() && !poolNames.contains(p)) {
          problems.add(new Problem(at + ".sni[" + j + "].pool", "no pool named '" + p + "' (pools: " + poolNames + ")"));
        }
      }
      if (l.tls().isPresent()) {
        ListenerTlsConfig tls = l.tls().get();
        for (int j = 0; j < tls.certificates().size(); j++) {
          String c = tls.certificates().get(j);
          CertificateConfig cert = certs.get(c);
          if (cert == null) {
            problems.add(new Problem(at + ".tls.certificates[" + j + "]", "no certificate named '" + c + "'"));
          } else if (cert.ca().isPresent()) {
            problems.add(new Problem(at + ".tls.certificates[" + j + "]",
                "'" + c + "' holds only a CA; a listener needs a certificate with its key"));
          }
        }
        tls.clientCa().ifPresent(ca -> certificate(at + ".tls.clientCa", ca, certNames));
      }
    }
    for (int i = 0; i < pools.size(); i++) {
      String at = "pools[" + i + "].tls";
      pools.get(i).tls().ifPresent(tls -> {
        tls.trustCa().ifPresent(ca -> certificate(at + ".trustCa", ca, certNames));
        tls.certificate().ifPresent(c -> certificate(at + ".certificate", c, certNames));
      });
    }
  }

  private void certificate(String path, String name, Set<String> certNames) {
    if (!certNames.contains(name)) problems.add(new Problem(path, "no certificate named '" + name + "'"));
  }

  void addresses(List<ListenerConfig> listeners) {
    for (int i = 0; i < listeners.size(); i++) {
      for (int j = 0; j < i; j++) {
        ListenerConfig a = listeners.get(j);
        ListenerConfig b = listeners.get(i);
        if (a.port() == b.port() && a.port() != 0 && overlaps(a.host(), b.host())) {
          problems.add(new Problem("listeners[" + i + "].port", b.host() + ":" + b.port()
              + " is already taken by listener '" + a.name() + "' (" + a.host() + ":" + a.port() + ")"));
        }
      }
    }
  }

  private static boolean overlaps(String a, String b) {
    return a.equals(b) || isWildcard(a) || isWildcard(b);
  }

  static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }
}
