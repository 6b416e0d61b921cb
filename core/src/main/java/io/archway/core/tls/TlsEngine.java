package io.archway.core.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Which TLS implementation the gateway uses: OpenSSL (BoringSSL through netty-tcnative) when it loads,
 * the JDK's otherwise. The system property {@value #PROPERTY} ({@code auto}, {@code openssl}, {@code jdk})
 * forces one; tests use it to run under both. The choice is logged once per process and engine.
 */
public final class TlsEngine {

  public static final String PROPERTY = "archway.tls.engine";

  private static final Logger LOG = Logger.getLogger(TlsEngine.class.getName());
  private static final AtomicReference<SslProvider> LOGGED = new AtomicReference<>();

  private TlsEngine() {}

  /** The provider for contexts built now. */
  public static SslProvider provider() {
    String wanted = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
    SslProvider provider = switch (wanted) {
      case "jdk" -> SslProvider.JDK;
      case "openssl" -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException("TLS engine openssl requested (" + PROPERTY + ") but it does not load: "
              + OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      default -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    };
    if (LOGGED.getAndSet(provider) != provider) LOG.info("TLS engine: " + describe(provider));
    return provider;
  }

  /** True when OpenSSL can be used in this process. */
  public static boolean openSslAvailable() {
    return OpenSsl.isAvailable();
  }

  public static String describe(SslProvider provider) {
    return provider == SslProvider.JDK
        ? "JDK " + System.getProperty("java.version")
            + (OpenSsl.isAvailable() ? "" : " (OpenSSL not loaded: " + KeyMaterial.reason(OpenSsl.unavailabilityCause()) + ")")
        : "OpenSSL " + OpenSsl.versionString();
  }
}
