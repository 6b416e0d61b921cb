package io.archway.core.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The server names a certificate answers for: its DNS subject alternative names, else its common name. */
public final class ServerNames {

  private static final int DNS_NAME = 2;

  private ServerNames() {}

  /** Lower-case names, exact or {@code *.} wildcards, in the certificate's order. */
  public static List<String> of(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0)) && san.get(1) instanceof String s) {
            names.add(s.toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // A certificate whose extension cannot be parsed still has a subject to fall back on.
    }
    // RFC 6125: clients ignore the common name when DNS names are present; so do we.
    if (names.isEmpty()) commonName(cert).ifPresent(cn -> names.add(cn.toLowerCase(Locale.ROOT)));
    return names;
  }

  private static java.util.Optional<String> commonName(X509Certificate cert) {
    try {
      LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
      for (Rdn rdn : dn.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) return java.util.Optional.of(rdn.getValue().toString());
      }
    } catch (InvalidNameException e) {
      // No usable common name.
    }
    return java.util.Optional.empty();
  }
}
