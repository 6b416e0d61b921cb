package io.archway.core.config;

import java.util.Optional;

/**
 * Key material by name: a PEM chain with its key, a PEM CA bundle, or a PKCS#12 file with its password.
 * File paths are absolute (resolved against the config file's folder when read).
 */
public record CertificateConfig(
    String name,
    Optional<String> cert,
    Optional<String> key,
    Optional<String> ca,
    Optional<String> pkcs12,
    Optional<String> password) {

  @Override
  public String toString() {
    return "CertificateConfig[name=" + name + ", cert=" + cert + ", key=" + key + ", ca=" + ca
        + ", pkcs12=" + pkcs12 + ", password=" + (password.isPresent() ? "***" : "none") + "]";
  }
}
