package io.archway.proxy.tls;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.ClientAuth;
import io.archway.core.config.ListenerTlsConfig;
import io.archway.core.tls.KeyMaterial;
import io.archway.core.tls.KeyMaterialException;
import io.archway.core.tls.ServerKey;
import io.archway.core.tls.ServerNames;
import io.archway.core.tls.TlsContexts;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * How one TLS listener terminates, built once per config (and per certificate rotation): a context per
 * certificate, chosen by the client's SNI through a fixed map of the certificates' names (exact, then
 * {@code *.} wildcard, else the first certificate). The map never grows: an unknown name costs a lookup
 * and nothing else.
 */
public final class ServerTls {

  static final String SNI = "archway-tls-sni";
  private static final int MAX_CLIENT_HELLO = 64 * 1024;

  private final Mapping<String, SslContext> contexts;
  private final long handshakeTimeoutMillis;
  /** Whether clients are asked for a certificate (clientAuth optional or required). */
  private final boolean clientCertificates;

  private ServerTls(Mapping<String, SslContext> contexts, long handshakeTimeoutMillis, boolean clientCertificates) {
    this.contexts = contexts;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.clientCertificates = clientCertificates;
  }

  /** Reads the listener's certificates and builds its contexts; blocking. */
  public static ServerTls build(ListenerTlsConfig tls, Map<String, CertificateConfig> certificates)
      throws KeyMaterialException, SSLException {
    List<X509Certificate> clientCas =
        tls.clientCa().isPresent() ? KeyMaterial.authorities(entry(certificates, tls.clientCa().get())) : List.of();
    DomainWildcardMappingBuilder<SslContext> names = null;
    Set<String> seen = new HashSet<>();
    for (String name : tls.certificates()) {
      ServerKey key = KeyMaterial.serverKey(entry(certificates, name));
      SslContext context = TlsContexts.server(key, tls, clientCas);
      if (names == null) names = new DomainWildcardMappingBuilder<>(context);
      // The first certificate listed wins a name that several carry.
      for (String serverName : ServerNames.of(key.leaf())) {
        if (!seen.add(serverName)) continue;
        try {
          names.add(serverName, context);
        } catch (IllegalArgumentException e) {
          // A name no client can send (such as a bare "*"): it only ever gets the default.
        }
      }
    }
    if (names == null) throw new KeyMaterialException("certificates", "the listener names no certificate");
    return new ServerTls(names.build(), tls.handshakeTimeout().toMillis(), tls.clientAuth() != ClientAuth.NONE);
  }

  /**
   * Puts TLS in front of a just-accepted client channel. The future completes once the handshake is
   * done, or fails (and the channel is closed) when it fails, times out, or the client leaves.
   */
  public Future<TlsSession> install(Channel channel) {
    Promise<TlsSession> promise = channel.eventLoop().newPromise();
    channel.pipeline().addFirst(HandshakeWatch.NAME, new HandshakeWatch(promise, handshakeTimeoutMillis, false, clientCertificates));
    // No timeouts of Netty's own: the watch's single deadline covers ClientHello and handshake.
    channel.pipeline().addFirst(SNI, new SniHandler(contexts, MAX_CLIENT_HELLO, 0) {
      @Override
      protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        SslHandler handler = super.newSslHandler(context, allocator);
        handler.setHandshakeTimeoutMillis(0);
        return handler;
      }
    });
    channel.config().setAutoRead(true);
    return promise;
  }

  static CertificateConfig entry(Map<String, CertificateConfig> certificates, String name) throws KeyMaterialException {
    CertificateConfig c = certificates.get(name);
    if (c == null) throw new KeyMaterialException("certificates", "no certificate named '" + name + "'");
    return c;
  }
}
