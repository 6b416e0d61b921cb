package io.archway.core.tls;

import java.io.ByteArrayOutputStream;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an EC key in its traditional SEC1 form ({@code BEGIN EC PRIVATE KEY}, as {@code openssl ecparam
 * -genkey} writes it), which neither the JDK nor Vert.x's PEM reader accepts: it is wrapped, as is, in
 * the PKCS#8 envelope the JDK reads, naming the curve the SEC1 structure names.
 */
final class Sec1Keys {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN EC PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END EC PRIVATE KEY-----");
  /** 1.2.840.10045.2.1, id-ecPublicKey. */
  private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private Sec1Keys() {}

  /**
   * The key of the first SEC1 block of {@code pem}, or null when there is none. A key that does not
   * name its curve (optional in SEC1) takes the curve of {@code certificateKey}, the public key it goes with.
   */
  static PrivateKey read(String pem, PublicKey certificateKey) throws Exception {
    Matcher m = BLOCK.matcher(pem);
    if (!m.find()) return null;
    byte[] sec1 = Base64.getMimeDecoder().decode(m.group(1));
    byte[] curve = curveOid(sec1);
    byte[] algorithm;
    if (curve != null) {
      algorithm = tlv(0x30, concat(EC_PUBLIC_KEY, curve));
    } else if (certificateKey != null && "EC".equals(certificateKey.getAlgorithm())) {
      // SubjectPublicKeyInfo starts with the same AlgorithmIdentifier PKCS#8 needs.
      byte[] spki = certificateKey.getEncoded();
      int[] outer = header(spki, 0);
      int[] first = header(spki, outer[0]);
      algorithm = java.util.Arrays.copyOfRange(spki, outer[0], first[0] + first[1]);
    } else {
      throw new IllegalArgumentException("the EC key names no curve and the certificate's key is not EC");
    }
    byte[] pkcs8 = tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, sec1)));
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
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
    } else {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len & 0xff);
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
