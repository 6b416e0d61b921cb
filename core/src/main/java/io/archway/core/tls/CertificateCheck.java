package io.archway.core.tls;

import io.archway.core.config.CertificateConfig;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Optional;

/**
 * What is wrong with a certificate entry's files, for the config validator: not a certificate, a key
 * that cannot be read or does not belong to the certificate, a wrong PKCS#12 password, or a leaf
 * certificate outside its validity period. Expired and not-yet-valid certificates are errors: a
 * gateway that starts with one fails every handshake, and an operator should learn that at deploy time.
 */
public final class CertificateCheck {

  /** One problem, at a key of the entry ({@code cert}, {@code key}, {@code ca}, {@code pkcs12}, {@code password}). */
  public record Finding(String key, String message) {}

  private static final byte[] CHALLENGE = "archway key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private CertificateCheck() {}

  /** The first problem of an entry whose files exist, or empty when it can be used as of {@code now}. */
  public static Optional<Finding> check(CertificateConfig entry, Instant now) {
    try {
      if (entry.ca().isPresent()) {
        KeyMaterial.authorities(entry);
        return Optional.empty();
      }
      ServerKey key = KeyMaterial.serverKey(entry);
      String file = entry.pkcs12().orElseGet(() -> entry.cert().orElse(""));
      String certKey = entry.pkcs12().isPresent() ? "pkcs12" : "cert";
      if (!matches(key.key(), key.leaf().getPublicKey())) {
        return Optional.of(new Finding(entry.pkcs12().isPresent() ? "pkcs12" : "key", "the private key "
            + (entry.key().map(k -> "in " + k + " ").orElse("")) + "does not belong to the certificate in " + file
            + " (" + subject(key.leaf()) + ")"));
      }
      return validity(key.leaf(), now).map(m -> new Finding(certKey, m + " (" + file + ")"));
    } catch (KeyMaterialException e) {
      return Optional.of(new Finding(e.key(), e.getMessage()));
    }
  }

  /** A message when {@code cert} is not valid at {@code now}. */
  static Optional<String> validity(X509Certificate cert, Instant now) {
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      return Optional.of("the certificate " + subject(cert) + " expired at " + cert.getNotAfter().toInstant()
          + "; renew it");
    }
    if (now.isBefore(cert.getNotBefore().toInstant())) {
      return Optional.of("the certificate " + subject(cert) + " is not valid before "
          + cert.getNotBefore().toInstant() + "; check the clock, or wait");
    }
    return Optional.empty();
  }

  /** True when {@code key} is the private half of {@code pub}: same RSA modulus, or a signature that verifies. */
  static boolean matches(PrivateKey key, PublicKey pub) {
    if (key instanceof RSAPrivateCrtKey rsa && pub instanceof RSAPublicKey rsaPub) {
      return rsa.getModulus().equals(rsaPub.getModulus());
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) return key.getAlgorithm().equals(pub.getAlgorithm());
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(CHALLENGE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(CHALLENGE);
      return verifier.verify(signature);
    } catch (Exception e) {
      return false;
    }
  }

  static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName();
  }
}
