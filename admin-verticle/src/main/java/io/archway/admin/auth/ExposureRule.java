package io.archway.admin.auth;

import io.archway.core.config.AdminConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The admin API changes the whole cluster, so it binds beyond loopback only behind a token. Config
 * validation says so already; this rule holds for admin configs that were built in code too.
 */
public final class ExposureRule {

  private ExposureRule() {}

  /** Throws, naming the host and the fix, when {@code admin} would expose the API without a token. */
  public static void check(AdminConfig admin) {
    if (admin.token().isEmpty() && !isLoopback(admin.host())) {
      throw new IllegalStateException("admin.host: " + admin.host()
          + " is not a loopback address; set admin.token to expose the admin API beyond this machine");
    }
  }

  /** Only literals and {@code localhost} count: a DNS name could resolve elsewhere tomorrow. */
  public static boolean isLoopback(String host) {
    if (host.equals("localhost")) return true;
    if (!host.matches("[0-9.]+") && !host.contains(":")) return false;
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
