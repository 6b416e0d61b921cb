package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.testing.TestPki;
import io.archway.core.testing.TestPki.Issued;
import io.archway.core.testing.TestPki.KeyFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validator reads every certificate entry's files and names the file and the reason of a problem. */
class CertificateChecksTest {

  @TempDir static Path dir;
  static TestPki pki;
  static Issued web;

  @BeforeAll
  static void pki() throws Exception {
    pki = TestPki.create("test-ca");
    web = pki.issue("web.example.com");
  }

  private static List<String> problems(JsonObject... entries) {
    JsonArray list = new JsonArray();
    for (JsonObject e : entries) list.add(e);
    return ConfigParser.problems(new JsonObject().put("certificates", list), dir).stream()
        .map(Problem::toString).toList();
  }

  private static JsonObject pem(String cert, String key) {
    return new JsonObject().put("name", "web").put("cert", cert).put("key", key);
  }

  @Test
  void pemChainWithPkcs8Pkcs1AndEcKeysIsValid() throws Exception {
    TestPki.write(web, dir.resolve("a.pem"), dir.resolve("a-key.pem"), KeyFormat.PKCS8);
    TestPki.write(web, dir.resolve("b.pem"), dir.resolve("b-key.pem"), KeyFormat.TRADITIONAL);
    Issued ec = pki.issueEc("ec.example.com");
    TestPki.write(ec, dir.resolve("c.pem"), dir.resolve("c-key.pem"), KeyFormat.TRADITIONAL);
    TestPki.write(ec, dir.resolve("d.pem"), dir.resolve("d-key.pem"), KeyFormat.PKCS8);
    pki.writeCa(dir.resolve("ca.pem"));
    assertThat(problems(pem("a.pem", "a-key.pem"), pem("b.pem", "b-key.pem").put("name", "b"),
        pem("c.pem", "c-key.pem").put("name", "c"), pem("d.pem", "d-key.pem").put("name", "d"),
        new JsonObject().put("name", "ca").put("ca", "ca.pem"))).isEmpty();
  }

  @Test
  void aFileThatIsNotACertificateIsNamed() throws Exception {
    TestPki.write(web, dir.resolve("e.pem"), dir.resolve("e-key.pem"), KeyFormat.PKCS8);
    Files.writeString(dir.resolve("junk.pem"), "hello\n");
    assertThat(problems(pem("junk.pem", "e-key.pem"), new JsonObject().put("name", "ca").put("ca", "junk.pem")))
        .containsExactly(
            "certificates[0].cert: file " + dir.resolve("junk.pem") + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            "certificates[1].ca: file " + dir.resolve("junk.pem") + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void aKeyThatIsNotAKeyOrNotTheCertificatesIsNamed() throws Exception {
    TestPki.write(web, dir.resolve("f.pem"), dir.resolve("f-key.pem"), KeyFormat.PKCS8);
    TestPki.write(pki.issue("other.example.com"), dir.resolve("g.pem"), dir.resolve("g-key.pem"), KeyFormat.PKCS8);
    List<String> found = problems(pem("f.pem", "g-key.pem"), pem("f.pem", "f.pem").put("name", "h"));
    assertThat(found).hasSize(2);
    assertThat(found.get(0)).startsWith("certificates[0].key: the private key in " + dir.resolve("g-key.pem")
        + " does not belong to the certificate in " + dir.resolve("f.pem") + " (CN=web.example.com)");
    assertThat(found.get(1)).startsWith("certificates[1].key: file " + dir.resolve("f.pem")
        + " holds no private key this gateway can read");
  }

  @Test
  void anEncryptedKeyIsNamedWithTheWayOut() throws Exception {
    TestPki.write(web, dir.resolve("j.pem"), dir.resolve("j-key.pem"), KeyFormat.ENCRYPTED_PKCS8);
    assertThat(Files.readString(dir.resolve("j-key.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThat(problems(pem("j.pem", "j-key.pem"))).containsExactly("certificates[0].key: file "
        + dir.resolve("j-key.pem") + " holds no private key this gateway can read (unencrypted PEM: PKCS#8, PKCS#1 RSA"
        + " or EC): the key is encrypted; give it unencrypted (openssl pkey -in KEY -out PLAIN) or as a pkcs12 file"
        + " with its password");
  }

  @Test
  void expiredAndNotYetValidCertificatesAreErrors() throws Exception {
    Instant now = Instant.now();
    Issued old = pki.issue(TestPki.rsa(), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)), "old.example.com");
    Issued future = pki.issue(TestPki.rsa(), now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)), "new.example.com");
    TestPki.write(old, dir.resolve("old.pem"), dir.resolve("old-key.pem"), KeyFormat.PKCS8);
    TestPki.write(future, dir.resolve("new.pem"), dir.resolve("new-key.pem"), KeyFormat.PKCS8);
    List<String> found = problems(pem("old.pem", "old-key.pem"), pem("new.pem", "new-key.pem").put("name", "n"));
    assertThat(found).hasSize(2);
    assertThat(found.get(0)).startsWith("certificates[0].cert: the certificate CN=old.example.com expired at ")
        .contains("renew it").endsWith("(" + dir.resolve("old.pem") + ")");
    assertThat(found.get(1)).startsWith("certificates[1].cert: the certificate CN=new.example.com is not valid before ");
  }

  @Test
  void pkcs12OpensWithItsPasswordAndAWrongOneIsNamed() throws Exception {
    TestPki.writePkcs12(web, dir.resolve("web.p12"), "s3cret");
    JsonObject good = new JsonObject().put("name", "p").put("pkcs12", "web.p12").put("password", "s3cret");
    JsonObject bad = new JsonObject().put("name", "q").put("pkcs12", "web.p12").put("password", "wrong");
    assertThat(problems(good)).isEmpty();
    assertThat(problems(bad)).containsExactly("certificates[0].password: wrong password for " + dir.resolve("web.p12"));
  }

  @Test
  void unknownCipherSuitesAreNamed() throws Exception {
    TestPki.write(web, dir.resolve("i.pem"), dir.resolve("i-key.pem"), KeyFormat.PKCS8);
    JsonObject json = new JsonObject()
        .put("certificates", new JsonArray().add(pem("i.pem", "i-key.pem")))
        .put("pools", new JsonArray().add(new JsonObject().put("name", "p")
            .put("targets", new JsonArray().add(new JsonObject().put("address", "127.0.0.1:1")))))
        .put("listeners", new JsonArray().add(new JsonObject().put("name", "s").put("protocol", "tls")
            .put("port", 1).put("pool", "p").put("tls", new JsonObject()
                .put("certificates", new JsonArray().add("web"))
                .put("cipherSuites", new JsonArray().add("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").add("RC4-MD5")))));
    assertThat(ConfigParser.problems(json, dir)).extracting(Problem::toString).containsExactly(
        "listeners[0].tls.cipherSuites[1]: 'RC4-MD5' is not a cipher suite this JVM knows (IANA names, such as "
            + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
  }
}
