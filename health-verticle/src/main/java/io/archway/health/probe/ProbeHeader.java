package io.archway.health.probe;

import io.archway.core.config.ProxyProtocol;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY header a probe sends to a target of a pool with {@code proxyProtocol}: one without client
 * addresses ({@code PROXY UNKNOWN} in v1, the {@code LOCAL} command in v2), which tells the target that
 * the connection is the gateway's own, as HAProxy's health checks do with {@code check-send-proxy}.
 */
final class ProbeHeader {

  private static final byte[] V1 = "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
  /** The v2 signature, version 2 with command LOCAL (0x20), family UNSPEC (0x00), no address bytes. */
  private static final byte[] V2 = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00
  };

  private ProbeHeader() {}

  /** The header's bytes for {@code version}, or null for none. */
  static byte[] of(ProxyProtocol version) {
    if (version == null) return null;
    return (version == ProxyProtocol.V1 ? V1 : V2).clone();
  }
}
