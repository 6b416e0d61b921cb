package io.archway.proxy.proxyprotocol;

import io.archway.core.config.ProxyProtocol;
import io.netty.channel.ChannelFuture;
import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Writes a PROXY header (Netty's encoder) as the first bytes of a connection to a target. */
public final class ProxyHeaders {

  private static final String ENCODER = "archway-proxy-header";

  private ProxyHeaders() {}

  /**
   * Writes the header for a client at {@code source} that connected to {@code destination} and flushes
   * it on {@code target}, a fresh target connection, before anything else is added to its pipeline
   * (TLS included). Addresses of two families, or not IP addresses, give an {@code UNKNOWN} (v1) or
   * {@code LOCAL} (v2) header, which tells the target to use the connection's own addresses.
   */
  public static ChannelFuture send(Channel target, ProxyProtocol version, SocketAddress source,
      SocketAddress destination) {
    target.pipeline().addFirst(ENCODER, HAProxyMessageEncoder.INSTANCE);
    try {
      return target.writeAndFlush(message(version, source, destination));
    } finally {
      target.pipeline().remove(ENCODER);
    }
  }

  /** A header without client addresses, for health probes: {@code PROXY UNKNOWN} (v1) or {@code LOCAL} (v2). */
  public static ChannelFuture sendLocal(Channel target, ProxyProtocol version) {
    return send(target, version, null, null);
  }

  static HAProxyMessage message(ProxyProtocol version, SocketAddress source, SocketAddress destination) {
    HAProxyProtocolVersion v = version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
    if (source instanceof InetSocketAddress src && destination instanceof InetSocketAddress dst
        && src.getAddress() != null && dst.getAddress() != null) {
      InetAddress s = src.getAddress();
      InetAddress d = dst.getAddress();
      if ((s instanceof Inet4Address) == (d instanceof Inet4Address)) {
        HAProxyProxiedProtocol family = s instanceof Inet4Address ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6;
        try {
          // RFC 5952 text (::1, not 0:0:0:0:0:0:0:1), as HAProxy writes v1 headers.
          return new HAProxyMessage(v, HAProxyCommand.PROXY, family, NetUtil.toAddressString(s),
              NetUtil.toAddressString(d), src.getPort(), dst.getPort());
        } catch (IllegalArgumentException e) {
          // A scoped IPv6 address (fe80::1%eth0) has no PROXY form: fall through to UNKNOWN.
        }
      }
    }
    return v == HAProxyProtocolVersion.V1
        ? new HAProxyMessage(v, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0)
        : new HAProxyMessage(v, HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);
  }
}
