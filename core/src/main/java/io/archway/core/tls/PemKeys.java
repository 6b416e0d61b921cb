package io.archway.core.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an unencrypted PEM private key straight into the JDK's key: PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}, as {@code openssl
 * ecparam -genkey} writes it). The two traditional forms are wrapped, as they are, in the PKCS#8 envelope
 * the JDK reads. No key store in between: Vert.x's PEM reader, used before, put the key in a PKCS#12
 * store and took it out again, two password-based encryptions that cost 12-70 ms per key with the JIT
 * warm and about 300 ms cold, on the event loop that applies a config.
 */
final class PemKeys {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN (PRIVATE|RSA PRIVATE|EC PRIVATE|ENCRYPTED PRIVATE) KEY-----([A-Za-z0-9+/=\\s]*)-----END \\1 KEY-----");
  /** 1.2.840.10045.2.1, id-ecPublicKey. */
  private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
  /** AlgorithmIdentifier { 1.2.840.113549.1.1.1 rsaEncryption, NULL }. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  /** PKCS#8 version 0. */
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private PemKeys() {}

  /**
   * The key of the first private-key block of {@code pem}, or null when there is none. {@code
   * certificateKey}, the public key the key goes with, names the algorithm of a PKCS#8 key and the curve
   * of a SEC1 key that does not name its own (optional in SEC1).
   *
   * @throws IllegalArgumentException for an encrypted key, or one no key factory of this JDK reads
   */
  static PrivateKey read(String pem, PublicKey certificateKey) throws GeneralSecurityException {
    Matcher m = BLOCK.matcher(pem);
    if (!m.find()) return null;
    if (m.group(1).startsWith("ENCRYPTED")) {
      throw new IllegalArgumentException("the key is encrypted; give it unencrypted (openssl pkey -in KEY -out PLAIN)"
          + " or as a pkcs12 file with its password");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    return switch (m.group(1)) {
      case "RSA PRIVATE" -> KeyFactory.getInstance("RSA").generatePrivate(pkcs8(RSA_ALGORITHM, der));
      case "EC PRIVATE" -> KeyFactory.getInstance("EC").generatePrivate(pkcs8(ecAlgorithm(der, certificateKey), der));
      default -> pkcs8(der, certificateKey);
    };
  }

  /** A PKCS#8 key: the certificate key's algorithm first, then the others this JDK knows. */
  private static PrivateKey pkcs8(byte[] der, PublicKey certificateKey) throws GeneralSecurityException {
    Set<String> algorithms = new LinkedHashSet<>();
    if (certificateKey != null) algorithms.add(certificateKey.getAlgorithm());
    algorithms.addAll(List.of("RSA", "EC", "EdDSA", "RSASSA-PSS"));
    GeneralSecurityException last = null;
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new IllegalArgumentException("no key algorithm of this JDK reads it (" + KeyMaterial.reason(last) + ")");
  }

  private static PKCS8EncodedKeySpec pkcs8(byte[] algorithm, byte[] key) {
    return new PKCS8EncodedKeySpec(tlv(0x30, concat(VERSION_0, algorithm, tlv(0x04, key))));
  }

  /** The AlgorithmIdentifier of a SEC1 key: id-ecPublicKey with the curve it or its certificate names. */
  private static byte[] ecAlgorithm(byte[] sec1, PublicKey certificateKey) {
    byte[] curve = curveOid(sec1);
    if (curve != null) return tlv(0x30, concat(EC_PUBLIC_KEY, curve));
    if (certificateKey != null && "EC".equals(certificateKey.getAlgorithm())) {
      // SubjectPublicKeyInfo starts with the same AlgorithmIdentifier PKCS#8 needs.
      byte[] spki = certificateKey.getEncoded();
      int[] outer = header(spki, 0);
      int[] first = header(spki, outer[0]);
      return java.util.Arrays.copyOfRange(spki, outer[0], first[0] + first[1]);
    }
    throw new IllegalArgumentException("the EC key names no curve and the certificate's key is not EC");
  }

  /** The curve's OID element (tag and all) from the SEC1 structure's {@code [0] parameters}. */
  private static byte[] curveOid(byte[] der) {
    int[] outer = header(der, 0);
    int pos = outer[0];
    int end = Math.min(der.length, pos + outer[1]);
    while (pos < end) {
      int tag = der[pos] & 0xff;
      int[] h = header(der, pos);
      if (tag == 0xa0) {
        int[] inner = header(der, h[0]);
        return java.util.Arrays.copyOfRange(der, h[0], inner[0] + inner[1]);
      }
      pos = h[0] + h[1];
    }
    return null;
  }

  /** {contentStart, contentLength} of the element at {@code pos}. */
  private static int[] header(byte[] der, int pos) {
    int first = der[pos + 1] & 0xff;
    if (first < 0x80) return new int[] {pos + 2, first};
    int n = first & 0x7f;
    int len = 0;
    for (int i = 0; i < n; i++) len = (len << 8) | (der[pos + 2 + i] & 0xff);
    return new int[] {pos + 2 + n, len};
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len <= 0xffff) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len & 0xff);
    } else {
      throw new IllegalArgumentException("the key is larger than any this gateway reads (" + len + " bytes)");
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
