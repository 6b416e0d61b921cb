package io.archway.proxy.tls;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.PoolTlsConfig;
import io.archway.core.tls.KeyMaterialException;
import io.archway.core.tls.TlsContexts;
import io.archway.proxy.relay.EarlyBytes;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.util.Map;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * How the gateway re-encrypts to a TLS pool's targets: one client context per pool config, the server
 * name to send (fixed, or each target's host), and the handshake on a fresh target connection.
 */
public final class BackendTls {

  private static final Logger LOG = Logger.getLogger(BackendTls.class.getName());
  static final String NAME = "archway-target-tls";

  private final SslContext context;
  private final PoolTlsConfig config;

  private BackendTls(SslContext context, PoolTlsConfig config) {
    this.context = context;
    this.config = config;
  }

  /** Builds the pool's context; blocking. Warns when host names are not verified. */
  public static BackendTls build(String pool, PoolTlsConfig tls, Map<String, CertificateConfig> certificates)
      throws KeyMaterialException, SSLException {
    if (!tls.verifyHostname()) {
      LOG.warning("pool '" + pool + "': verifyHostname is false: any certificate "
          + (tls.trustCa().isPresent() ? "signed by '" + tls.trustCa().get() + "'" : "from a public CA")
          + " is accepted for any target; an attacker with such a certificate can read this pool's traffic");
    }
    return new BackendTls(TlsContexts.pool(tls, certificates), tls);
  }

  /**
   * Starts TLS on a fresh connection to {@code host:port}. The name sent (SNI) and verified is the
   * pool's {@code sni}, else {@code host}. Bytes the target sends right after its handshake wait in
   * the pipeline until the relay takes the channel. Completes when the handshake is done; on failure
   * the caller closes the channel.
   */
  public Future<Channel> handshake(Channel channel, String host, int port, long timeoutMillis) {
    SslHandler handler = context.newHandler(channel.alloc(), config.sni().orElse(host), port);
    handler.setHandshakeTimeoutMillis(timeoutMillis);
    channel.pipeline().addFirst(NAME, handler);
    EarlyBytes.holdAfter(channel, NAME);
    return handler.handshakeFuture();
  }
}
