package io.archway.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** A block of IPv4 or IPv6 addresses, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is one host. */
public record Cidr(String text, byte[] network, int prefix) {

  /** Parses {@code address/prefix}; throws {@link IllegalArgumentException} with an operator's message. */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      throw new IllegalArgumentException("'" + text + "' is not an address block (such as 10.0.0.0/8 or 2001:db8::/32)");
    }
    byte[] address;
    try {
      address = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an address block (such as 10.0.0.0/8 or 2001:db8::/32)");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
        throw new IllegalArgumentException("'" + text + "': the prefix length must be 0-" + bits);
      }
      prefix = Integer.parseInt(p);
    }
    byte[] network = address.clone();
    for (int i = 0; i < network.length; i++) network[i] &= mask(prefix, i);
    if (!Arrays.equals(network, address)) {
      throw new IllegalArgumentException("'" + text + "' has host bits set; the block is "
          + host(network) + "/" + prefix);
    }
    return new Cidr(text, network, prefix);
  }

  /** Whether {@code address} (4 or 16 bytes) lies in this block; an IPv4 address never matches an IPv6 block. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) return false;
    for (int i = 0; i < network.length; i++) {
      if ((address[i] & mask(prefix, i)) != network[i]) return false;
    }
    return true;
  }

  private static byte mask(int prefix, int byteIndex) {
    int bits = Math.max(0, Math.min(8, prefix - byteIndex * 8));
    return (byte) (0xff << (8 - bits));
  }

  private static String host(byte[] network) {
    try {
      return InetAddress.getByAddress(network).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    return text;
  }
}
