package io.archway.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA made at test run time with BouncyCastle, and the certificates it signs, written as the
 * files a config names (PEM chains, PKCS#8, PKCS#1 and EC keys, PKCS#12). Nothing secret is committed.
 */
public final class TestPki {

  /**
   * How a key is written: PKCS#8 ({@code PRIVATE KEY}), the traditional form ({@code RSA/EC PRIVATE KEY}),
   * or PKCS#8 encrypted under the password {@code s3cret} ({@code ENCRYPTED PRIVATE KEY}).
   */
  public enum KeyFormat { PKCS8, TRADITIONAL, ENCRYPTED_PKCS8 }

  /** A certificate with its key and the chain up to (not including) the root. */
  public record Issued(KeyPair keys, X509Certificate cert, List<X509Certificate> chain) {}

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestPki(String name) throws Exception {
    this.caKeys = rsa();
    this.ca = sign(new X500Name("CN=" + name), caKeys, new X500Name("CN=" + name), caKeys.getPrivate(),
        Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), true, List.of());
  }

  /** A new root CA named {@code name}. */
  public static TestPki create(String name) throws Exception {
    return new TestPki(name);
  }

  public X509Certificate ca() {
    return ca;
  }

  /** A leaf signed by this CA for {@code dnsNames} (the first also its CN), valid from yesterday for 30 days. */
  public Issued issue(String... dnsNames) throws Exception {
    return issue(rsa(), Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), dnsNames);
  }

  public Issued issueEc(String... dnsNames) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return issue(g.generateKeyPair(), Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
        dnsNames);
  }

  public Issued issue(KeyPair keys, Instant notBefore, Instant notAfter, String... dnsNames) throws Exception {
    List<String> names = List.of(dnsNames);
    X509Certificate cert = sign(new X500Name("CN=" + (names.isEmpty() ? "client" : names.get(0))), keys,
        new X500Name(ca.getSubjectX500Principal().getName()), caKeys.getPrivate(), notBefore, notAfter, false, names);
    return new Issued(keys, cert, List.of(cert));
  }

  /** Writes this CA as a PEM bundle. */
  public Path writeCa(Path file) throws IOException {
    return writePem(file, List.of(ca));
  }

  /** Writes the leaf's chain to {@code cert} and its key to {@code key}; replaces atomically, as a deploy would. */
  public static void write(Issued issued, Path cert, Path key, KeyFormat format) throws IOException {
    writePem(cert, new ArrayList<>(issued.chain()));
    writePem(key, List.of(switch (format) {
      case PKCS8 -> new JcaPKCS8Generator(issued.keys().getPrivate(), null);
      case TRADITIONAL -> issued.keys().getPrivate();
      case ENCRYPTED_PKCS8 -> encrypted(issued.keys().getPrivate());
    }));
  }

  private static JcaPKCS8Generator encrypted(PrivateKey key) {
    try {
      return new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
          .setProvider(new BouncyCastleProvider()).setPassword("s3cret".toCharArray()).build());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a PKCS#12 file with the leaf's key and chain under {@code password}. */
  public static void writePkcs12(Issued issued, Path file, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("key", issued.keys().getPrivate(), password.toCharArray(),
        issued.chain().toArray(new Certificate[0]));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      store.store(out, password.toCharArray());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static Path writePem(Path file, List<?> objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      for (Object o : objects) pem.writeObject(o);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text.toString());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
      Instant notBefore, Instant notAfter, boolean isCa, List<String> dnsNames) throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }
    if (!dnsNames.isEmpty()) {
      GeneralName[] names = dnsNames.stream()
          .map(n -> new GeneralName(n.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, n)).toArray(GeneralName[]::new);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    }
    String alg = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
  }
}
