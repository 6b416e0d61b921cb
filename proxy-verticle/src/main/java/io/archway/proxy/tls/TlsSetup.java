package io.archway.proxy.tls;

import io.archway.core.config.CertificateConfig;
import io.archway.core.config.ListenerTlsConfig;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.PoolTlsConfig;
import io.archway.core.tls.KeyMaterialException;
import io.archway.core.tls.TlsEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts of one proxy verticle's listeners and pools, each kept until its settings or the
 * content of its certificate files change, and shared with the process's other verticles
 * ({@link SharedContexts}). Rebuilding on a content change is how a certificate is
 * rotated: new files behind the same paths give new handshakes the new certificate, while open
 * connections keep the engine they started with. Confined to the verticle's context, except
 * {@link #changed}, which only reads files.
 */
public final class TlsSetup {

  /** The files of some certificate entries and a digest of their content when last built. */
  public record Watched(List<String> files, String digest) {}

  /** {@code key}: what it is shared under, with the other verticles of the process. */
  private record Built<T>(Object settings, Watched files, Object key, T value) {}

  private final Map<String, Built<ServerTls>> listeners = new HashMap<>();
  private final Map<String, Built<BackendTls>> pools = new HashMap<>();

  /** The contexts of the TLS listener at {@code address}: the ones built before unless something changed. */
  public ServerTls listener(String address, ListenerTlsConfig tls, Map<String, CertificateConfig> certificates)
      throws KeyMaterialException, SSLException {
    List<String> names = new ArrayList<>(tls.certificates());
    tls.clientCa().ifPresent(names::add);
    List<CertificateConfig> used = used(names, certificates);
    Watched files = watch(used);
    Built<ServerTls> built = listeners.get(address);
    Object settings = List.of(tls, used);
    if (built != null && built.settings().equals(settings) && built.files().equals(files)) return built.value();
    Object key = List.of("listener", settings, files.digest(), TlsEngine.provider());
    ServerTls fresh = SharedContexts.acquire(key, () -> ServerTls.build(tls, certificates));
    Built<ServerTls> replaced = listeners.put(address, new Built<>(settings, files, key, fresh));
    if (replaced != null) SharedContexts.release(replaced.key());
    return fresh;
  }

  /** The context of a TLS pool: the one built before unless something changed. */
  public BackendTls pool(PoolConfig pool, Map<String, CertificateConfig> certificates)
      throws KeyMaterialException, SSLException {
    PoolTlsConfig tls = pool.tls().orElseGet(PoolTlsConfig::defaults);
    List<String> names = new ArrayList<>();
    tls.trustCa().ifPresent(names::add);
    tls.certificate().ifPresent(names::add);
    List<CertificateConfig> used = used(names, certificates);
    Watched files = watch(used);
    Built<BackendTls> built = pools.get(pool.name());
    Object settings = List.of(tls, used);
    if (built != null && built.settings().equals(settings) && built.files().equals(files)) return built.value();
    Object key = List.of("pool", pool.name(), settings, files.digest(), TlsEngine.provider());
    BackendTls fresh = SharedContexts.acquire(key, () -> BackendTls.build(pool.name(), tls, certificates));
    Built<BackendTls> replaced = pools.put(pool.name(), new Built<>(settings, files, key, fresh));
    if (replaced != null) SharedContexts.release(replaced.key());
    return fresh;
  }

  /** Forgets what no listener address or pool of the current config uses any more. */
  public void retain(Set<String> addresses, Set<String> poolNames) {
    listeners.entrySet().removeIf(e -> !addresses.contains(e.getKey()) && released(e.getValue()));
    pools.entrySet().removeIf(e -> !poolNames.contains(e.getKey()) && released(e.getValue()));
  }

  /** Lets go of every context (the verticle stops). */
  public void close() {
    retain(Set.of(), Set.of());
  }

  private static boolean released(Built<?> built) {
    SharedContexts.release(built.key());
    return true;
  }

  /** The files in use now, for a rotation check off the event loop. */
  public List<Watched> watched() {
    return Stream.concat(listeners.values().stream(), pools.values().stream()).map(Built::files).toList();
  }

  /** True when any watched file's content differs from when it was built; blocking. */
  public static boolean changed(List<Watched> watched) {
    for (Watched w : watched) {
      if (!digest(w.files()).equals(w.digest())) return true;
    }
    return false;
  }

  private static List<CertificateConfig> used(List<String> names, Map<String, CertificateConfig> certificates) {
    return names.stream().map(certificates::get).filter(java.util.Objects::nonNull).toList();
  }

  private static Watched watch(List<CertificateConfig> entries) {
    List<String> files = new ArrayList<>();
    for (CertificateConfig c : entries) {
      Stream.of(c.cert(), c.key(), c.ca(), c.pkcs12()).flatMap(Optional::stream).forEach(files::add);
    }
    return new Watched(List.copyOf(files), digest(files));
  }

  private static String digest(List<String> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String f : files) {
        sha.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
          sha.update(Files.readAllBytes(Path.of(f)));
        } catch (NoSuchFileException e) {
          sha.update((byte) 0);
        } catch (IOException e) {
          sha.update((byte) 1);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
