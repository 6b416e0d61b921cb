package io.archway.core.tls;

import io.archway.core.config.CertificateConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the key material of a certificate entry from disk: a PEM chain with its key (PKCS#8, PKCS#1 RSA
 * or SEC1 EC, unencrypted), a PEM CA bundle, or a PKCS#12 file with its password. Every failure is a
 * {@link KeyMaterialException} naming the file and the reason. Blocking: call off the event loop or
 * at config time.
 */
public final class KeyMaterial {

  private KeyMaterial() {}

  /** The key and chain of an entry given as {@code cert}+{@code key} or {@code pkcs12}. */
  public static ServerKey serverKey(CertificateConfig entry) throws KeyMaterialException {
    if (entry.pkcs12().isPresent()) return fromPkcs12(entry);
    if (entry.cert().isEmpty() || entry.key().isEmpty()) {
      throw new KeyMaterialException("cert", "entry '" + entry.name() + "' holds no certificate with a key");
    }
    String certPath = entry.cert().get();
    String keyPath = entry.key().get();
    List<X509Certificate> chain = certificates("cert", certPath);
    byte[] keyBytes = read("key", keyPath);
    String unreadable = "file " + keyPath + " holds no private key this gateway can read "
        + "(unencrypted PEM: PKCS#8, PKCS#1 RSA or EC): ";
    PrivateKey key;
    try {
      key = PemKeys.read(new String(keyBytes, StandardCharsets.US_ASCII), chain.get(0).getPublicKey());
    } catch (Exception e) {
      throw new KeyMaterialException("key", unreadable + reason(e));
    }
    if (key == null) throw new KeyMaterialException("key", unreadable + "no -----BEGIN ... PRIVATE KEY----- block");
    return new ServerKey(entry.name(), key, chain);
  }

  /** The certificates an entry holds, for trusting: a {@code ca} bundle, a PEM chain, or a PKCS#12 file's. */
  public static List<X509Certificate> authorities(CertificateConfig entry) throws KeyMaterialException {
    if (entry.ca().isPresent()) return certificates("ca", entry.ca().get());
    if (entry.cert().isPresent()) return certificates("cert", entry.cert().get());
    if (entry.pkcs12().isPresent()) {
      KeyStore store = pkcs12(entry);
      List<X509Certificate> out = new ArrayList<>();
      try {
        for (String alias : Collections.list(store.aliases())) {
          Certificate c = store.getCertificate(alias);
          if (c instanceof X509Certificate x) out.add(x);
        }
      } catch (Exception e) {
        throw new KeyMaterialException("pkcs12", "cannot read " + entry.pkcs12().get() + ": " + reason(e));
      }
      if (out.isEmpty()) throw new KeyMaterialException("pkcs12", "file " + entry.pkcs12().get() + " holds no certificate");
      return out;
    }
    throw new KeyMaterialException("ca", "entry '" + entry.name() + "' holds no certificate");
  }

  /** Every PEM certificate of a file, in order; fails when there is none. */
  static List<X509Certificate> certificates(String key, String path) throws KeyMaterialException {
    byte[] bytes = read(key, path);
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
        if (c instanceof X509Certificate x) out.add(x);
      }
      if (!out.isEmpty()) return out;
    } catch (CertificateException e) {
      // Reported below, with the same words as an empty file.
    }
    throw new KeyMaterialException(key, "file " + path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }

  private static ServerKey fromPkcs12(CertificateConfig entry) throws KeyMaterialException {
    KeyStore store = pkcs12(entry);
    char[] password = entry.password().orElse("").toCharArray();
    String path = entry.pkcs12().get();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (!store.isKeyEntry(alias)) continue;
        Key key = store.getKey(alias, password);
        Certificate[] chain = store.getCertificateChain(alias);
        if (key instanceof PrivateKey pk && chain != null && chain.length > 0) {
          List<X509Certificate> certs = new ArrayList<>();
          for (Certificate c : chain) certs.add((X509Certificate) c);
          return new ServerKey(entry.name(), pk, certs);
        }
      }
    } catch (UnrecoverableKeyException e) {
      throw new KeyMaterialException("password", "the password does not open the key in " + path);
    } catch (Exception e) {
      throw new KeyMaterialException("pkcs12", "cannot read " + path + ": " + reason(e));
    }
    throw new KeyMaterialException("pkcs12", "file " + path + " holds no private key with its certificate");
  }

  private static KeyStore pkcs12(CertificateConfig entry) throws KeyMaterialException {
    String path = entry.pkcs12().get();
    byte[] bytes = read("pkcs12", path);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(bytes), entry.password().orElse("").toCharArray());
      return store;
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw new KeyMaterialException("password", "wrong password for " + path);
      }
      throw new KeyMaterialException("pkcs12", "file " + path + " is not a PKCS#12 file: " + reason(e));
    } catch (Exception e) {
      throw new KeyMaterialException("pkcs12", "file " + path + " is not a PKCS#12 file: " + reason(e));
    }
  }

  static byte[] read(String key, String path) throws KeyMaterialException {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException e) {
      throw new KeyMaterialException(key, "cannot read " + path + ": " + reason(e));
    }
  }

  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
