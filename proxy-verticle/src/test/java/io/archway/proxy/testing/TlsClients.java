package io.archway.proxy.testing;

import io.archway.core.testing.TestPki.Issued;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** JDK TLS clients and servers for tests, trusting a test CA and optionally presenting a certificate. */
public final class TlsClients {

  private TlsClients() {}

  /** An SSL context trusting {@code ca}; presenting {@code own} when not null. */
  public static SSLContext context(X509Certificate ca, Issued own) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (own != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("own", own.keys().getPrivate(), "x".toCharArray(), own.chain().toArray(new Certificate[0]));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, "x".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * A TLS client socket to the gateway on loopback, handshake done, sending {@code sni} (null: none) and
   * checking that the server's certificate is for it (when not null). Reads give up after 20 s.
   */
  public static SSLSocket connect(SSLContext ctx, int port, String sni, String... protocols) throws Exception {
    Socket raw = Streams.connect(port);
    SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "localhost", port, true);
    SSLParameters params = socket.getSSLParameters();
    params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    if (protocols.length > 0) params.setProtocols(protocols);
    socket.setSSLParameters(params);
    socket.setSoTimeout(20_000);
    socket.startHandshake();
    return socket;
  }

  /** The server certificate a TLS socket got. */
  public static X509Certificate peer(SSLSocket socket) throws Exception {
    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
  }

  /** A blocking TLS server on loopback presenting {@code own}, for targets of TLS pools and passthrough. */
  public static SSLServerSocket server(Issued own, X509Certificate clientCa, boolean needClientAuth) throws Exception {
    SSLContext ctx = context(clientCa, own);
    SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(needClientAuth);
    return server;
  }
}
