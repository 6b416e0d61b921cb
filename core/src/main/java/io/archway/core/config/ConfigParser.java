package io.archway.core.config;

import io.archway.core.tls.CertificateCheck;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the JSON form of a config into a {@link GatewayConfig}, or reports every problem in it with its
 * path. Relative file paths resolve against the folder of the config file.
 */
public final class ConfigParser {

  static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern SERVER_NAME =
      Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
  private static final Pattern DNS_NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
  private static final Set<String> TLS_VERSIONS = Set.of("TLSv1.2", "TLSv1.3");
  private static final Set<String> OLD_TLS_VERSIONS = Set.of("TLSv1", "TLSv1.0", "TLSv1.1", "SSLv3");
  private static final Duration ZERO = Duration.ZERO;
  private static final Duration DAY = Duration.ofDays(1);

  private final Path baseDir;
  private final List<Problem> problems = new ArrayList<>();
  private final HttpConfigParser http;

  private ConfigParser(Path baseDir) {
    this.baseDir = baseDir;
    this.http = new HttpConfigParser(problems, this::file);
  }

  /** Parses a config; throws {@link InvalidConfigException} listing every problem. */
  public static GatewayConfig parse(JsonObject json, Path baseDir) {
    ConfigParser parser = new ConfigParser(baseDir);
    GatewayConfig config = parser.read(json);
    if (!parser.problems.isEmpty()) throw new InvalidConfigException(parser.problems);
    return config;
  }

  /** Every problem of a config, empty when it is valid. */
  public static List<Problem> problems(JsonObject json, Path baseDir) {
    try {
      parse(json, baseDir);
      return List.of();
    } catch (InvalidConfigException e) {
      return e.problems();
    }
  }

  private GatewayConfig read(JsonObject json) {
    ConfigReader root = new ConfigReader(json, "", problems);
    AdminConfig admin = root.object("admin").map(this::admin).orElse(AdminConfig.defaults());
    NodeConfig node = node(root);
    AccessLogConfig accessLog = root.object("accessLog").map(this::accessLog).orElse(AccessLogConfig.defaults());
    List<CertificateConfig> certificates = root.objects("certificates").stream().map(this::certificate).toList();
    List<PoolConfig> pools = root.objects("pools").stream().map(this::pool).toList();
    List<ListenerConfig> listeners = root.objects("listeners").stream().map(this::listener).toList();
    root.finish();

    Set<String> certNames = unique("certificates", certificates.stream().map(CertificateConfig::name).toList());
    Set<String> poolNames = unique("pools", pools.stream().map(PoolConfig::name).toList());
    unique("listeners", listeners.stream().map(ListenerConfig::name).toList());
    CrossChecks checks = new CrossChecks(problems);
    checks.references(listeners, pools, certificates, poolNames, certNames);
    http.references(listeners, pools);
    checks.addresses(listeners);
    return new GatewayConfig(admin, node, accessLog, listeners, pools, certificates);
  }

  private AdminConfig admin(ConfigReader r) {
    String host = r.string("host", AdminConfig.DEFAULT_HOST);
    int port = r.integer("port", 1, 65535, "a port", AdminConfig.DEFAULT_PORT);
    Optional<String> token = r.string("token").filter(t -> !t.isEmpty());
    if (token.isEmpty() && !isLoopback(host)) {
      r.problem("host", host + " is not a loopback address; set admin.token to expose the admin API beyond this machine");
    }
    r.finish();
    return new AdminConfig(host, port, token);
  }

  private NodeConfig node(ConfigReader root) {
    NodeConfig defaults = NodeConfig.defaults();
    Optional<String> name = Optional.empty();
    Optional<String> bindHost = Optional.empty();
    String stateDir = defaults.stateDir();
    Optional<Duration> shutdownTimeout = Optional.empty();
    Optional<ConfigReader> node = root.object("node");
    if (node.isPresent()) {
      ConfigReader r = node.get();
      name = r.string("name").filter(n -> !n.isEmpty());
      bindHost = r.string("bindHost").filter(h -> !h.isEmpty());
      // It replaces every listener's host, so it must be what a listener's host may be.
      bindHost.filter(h -> !isIpLiteralOrLocalName(h)).ifPresent(h -> r.problem("bindHost", "'" + h
          + "' is not an IP address to bind (such as 127.0.0.2; --bind-host and ARCHWAY_BIND_HOST set it too)"));
      stateDir = r.string("stateDir").map(this::resolve).orElse(stateDir);
      if (r.has("shutdownTimeout")) {
        shutdownTimeout = Optional.of(r.duration("shutdownTimeout", ZERO, ZERO, PoolConfig.MAX_DRAIN_TIMEOUT));
      }
      r.finish();
    }
    ClusterJoin join = ClusterJoin.TCP_IP;
    List<String> members = List.of();
    Optional<String> serviceDns = Optional.empty();
    Optional<String> clusterHost = Optional.empty();
    int clusterPort = defaults.clusterPort();
    Optional<ConfigReader> cluster = root.object("cluster");
    if (cluster.isPresent()) {
      ConfigReader r = cluster.get();
      join = r.keyword("join", ClusterJoin.class, ClusterJoin.TCP_IP);
      members = r.strings("members");
      for (int i = 0; i < members.size(); i++) {
        try {
          HostPort.parse(members.get(i));
        } catch (IllegalArgumentException e) {
          problems.add(new Problem(r.at("members") + "[" + i + "]", e.getMessage()));
        }
      }
      // Kubernetes: every pod's address is an A record of the headless Service (no API access needed).
      serviceDns = r.string("serviceDns").filter(d -> !d.isEmpty());
      serviceDns.filter(d -> !isDnsName(d)).ifPresent(d -> r.problem("serviceDns", "'" + d
          + "' is not a DNS name (the headless Service's, such as archway-hazelcast.archway.svc.cluster.local)"));
      clusterHost = r.string("host").filter(h -> !h.isEmpty());
      clusterHost.ifPresent(h -> {
        if (!isIpLiteral(h)) {
          r.problem("host",
              "'" + h + "' is not an IP address (this node's own, such as 10.0.0.5; in a pod, its pod IP)");
        } else if (CrossChecks.isWildcard(h)) {
          r.problem("host", h + " cannot be announced to peers; give this node's own address (in a pod, its pod IP)");
        }
      });
      clusterPort = r.integer("port", 1, 65535, "a port", clusterPort);
      if (join == ClusterJoin.KUBERNETES) {
        if (serviceDns.isEmpty()) {
          r.problem("serviceDns", "is required when join is kubernetes (the headless Service's DNS name, "
              + "such as archway-hazelcast.archway.svc.cluster.local)");
        }
        if (!members.isEmpty()) {
          r.problem("members",
              "only applies to join tcp-ip; with join kubernetes the peers are what serviceDns resolves to");
        }
      } else if (serviceDns.isPresent()) {
        r.problem("serviceDns", "only applies to join kubernetes (this node joins by " + join.keyword() + ")");
      }
      r.finish();
    }
    return new NodeConfig(name, bindHost, stateDir, join, members, serviceDns, clusterHost, clusterPort, shutdownTimeout);
  }

  private AccessLogConfig accessLog(ConfigReader r) {
    boolean enabled = r.bool("enabled", true);
    Optional<String> file = r.string("file").filter(f -> !f.isEmpty()).map(this::resolve);
    file.ifPresent(f -> {
      Path path = Path.of(f);
      Path parent = path.getParent();
      if (Files.isDirectory(path)) {
        r.problem("file", f + " is a folder; name the log file in it, such as " + path.resolve("access.log"));
      } else if (parent == null || !Files.isDirectory(parent)) {
        r.problem("file", "folder " + parent + " does not exist; create it or log elsewhere");
      } else if (Files.exists(path) ? !Files.isWritable(path) : !Files.isWritable(parent)) {
        r.problem("file", (Files.exists(path) ? f : "folder " + parent) + " is not writable by this process");
      }
    });
    long maxSize = AccessLogConfig.DEFAULT_MAX_SIZE;
    Optional<String> sizeText = r.string("maxSize");
    if (sizeText.isPresent()) {
      try {
        maxSize = ByteSizes.parse(sizeText.get());
        if (maxSize < AccessLogConfig.MIN_MAX_SIZE || maxSize > AccessLogConfig.MAX_MAX_SIZE) {
          r.problem("maxSize", sizeText.get() + " is out of range (1KiB to 1024GiB)");
          maxSize = AccessLogConfig.DEFAULT_MAX_SIZE;
        }
      } catch (IllegalArgumentException e) {
        r.problem("maxSize", e.getMessage());
      }
      if (file.isEmpty()) r.problem("maxSize", "only applies with accessLog.file (stdout is not rotated)");
    }
    int keep = r.integer("keep", 0, AccessLogConfig.MAX_KEEP, "a count of files", AccessLogConfig.DEFAULT_KEEP);
    if (r.has("keep") && file.isEmpty()) r.problem("keep", "only applies with accessLog.file (stdout is not rotated)");
    Optional<Duration> interval = Optional.empty();
    if (r.has("interval")) {
      interval = Optional.of(r.duration("interval", Duration.ofMinutes(5), AccessLogConfig.MIN_INTERVAL, DAY));
    }
    r.finish();
    return new AccessLogConfig(enabled, file, maxSize, keep, interval);
  }

  private CertificateConfig certificate(ConfigReader r) {
    int problemsBefore = problems.size();
    String name = name(r);
    Optional<String> cert = file(r, "cert");
    Optional<String> key = file(r, "key");
    Optional<String> ca = file(r, "ca");
    Optional<String> pkcs12 = file(r, "pkcs12");
    Optional<String> password = r.string("password");
    r.finish();
    boolean pem = cert.isPresent() || key.isPresent() || r.has("cert") || r.has("key");
    boolean p12 = pkcs12.isPresent() || r.has("pkcs12");
    boolean caOnly = ca.isPresent() || r.has("ca");
    if ((pem ? 1 : 0) + (p12 ? 1 : 0) + (caOnly ? 1 : 0) != 1) {
      r.problem(null, "give exactly one of: cert and key (PEM), ca (PEM CA bundle), or pkcs12 with password");
    } else if (pem && (!r.has("cert") || !r.has("key"))) {
      r.problem(r.has("cert") ? "key" : "cert", "is required with " + (r.has("cert") ? "cert" : "key"));
    }
    if (password.isPresent() && !p12) r.problem("password", "only applies to pkcs12");
    CertificateConfig entry = new CertificateConfig(name, cert, key, ca, pkcs12, password);
    // Only an entry whose files are all there is read: one problem per cause, not a cascade.
    if (problems.size() == problemsBefore) {
      CertificateCheck.check(entry, Instant.now()).ifPresent(f -> r.problem(f.key(), f.message()));
    }
    return entry;
  }

  private PoolConfig pool(ConfigReader r) {
    String name = name(r);
    PoolProtocol protocol = r.keyword("protocol", PoolProtocol.class, PoolProtocol.TCP);
    Balance balance = r.keyword("balance", Balance.class, Balance.ROUND_ROBIN);
    if ((protocol == PoolProtocol.HTTP || protocol == PoolProtocol.HTTPS) && balance != Balance.ROUND_ROBIN
        && balance != Balance.WEIGHTED_ROUND_ROBIN) {
      // They need counts of open connections or the client's address at connect: an HTTP pool's
      // requests share pooled connections instead.
      r.problem("balance", balance.keyword() + " is not supported yet for protocol " + protocol.keyword()
          + " (round-robin, weighted-round-robin; to pin a client, use affinity: cookie)");
    }
    Duration connectTimeout =
        r.duration("connectTimeout", PoolConfig.DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(1), Duration.ofMinutes(5));
    Duration idleTimeout = r.duration("idleTimeout", PoolConfig.DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(1), DAY);
    Duration drainTimeout =
        r.duration("drainTimeout", PoolConfig.DEFAULT_DRAIN_TIMEOUT, ZERO, PoolConfig.MAX_DRAIN_TIMEOUT);
    int retries = r.integer("retries", 0, 16, "a retry count", PoolConfig.DEFAULT_RETRIES);
    Optional<PoolTlsConfig> tls = r.object("tls").map(this::poolTls);
    if (tls.isPresent() && protocol != PoolProtocol.TLS && protocol != PoolProtocol.HTTPS) {
      r.problem("tls", "only applies to a pool whose protocol is tls or https (this one is " + protocol.keyword() + ")");
    }
    List<TargetConfig> targets = r.objects("targets").stream().map(t -> target(t, balance)).toList();
    if (targets.isEmpty()) {
      r.problem("targets", "a pool needs at least one target, such as {address: 127.0.0.1:6379}");
    }
    unique(r.at("targets"), targets.stream().map(t -> t.address().toString()).toList());
    ProbeConfig probe = r.object("probe").map(this::probe).orElse(ProbeConfig.defaults());
    PoolHttpConfig http = poolHttp(r, protocol);
    PoolTraffic traffic = poolTraffic(r, protocol);
    r.finish();
    return new PoolConfig(name, protocol, balance, connectTimeout, idleTimeout, drainTimeout, retries, tls, targets,
        probe, http, traffic);
  }

  /** The keys of an {@code http} or {@code https} pool (issue 6). */
  private PoolHttpConfig poolHttp(ConfigReader r, PoolProtocol protocol) {
    return http.pool(r, protocol);
  }

  /** The PROXY header a pool sends (issue 7). */
  private PoolTraffic poolTraffic(ConfigReader r, PoolProtocol protocol) {
    return new TrafficParser(problems).poolTraffic(r, protocol);
  }

  private PoolTlsConfig poolTls(ConfigReader r) {
    Optional<String> trustCa = r.string("trustCa");
    Optional<String> sni = r.string("sni");
    sni.filter(name -> !DNS_NAME.matcher(name).matches()).ifPresent(name -> r.problem("sni",
        "'" + name + "' is not a server name to send (a DNS name such as redis.internal)"));
    boolean verify = r.bool("verifyHostname", true);
    Optional<String> certificate = r.string("certificate");
    r.finish();
    return new PoolTlsConfig(trustCa, sni, verify, certificate);
  }

  private TargetConfig target(ConfigReader r, Balance balance) {
    HostPort address = new HostPort("invalid", 1);
    Optional<String> text = r.required("address");
    if (text.isPresent()) {
      try {
        address = HostPort.parse(text.get());
      } catch (IllegalArgumentException e) {
        r.problem("address", e.getMessage());
      }
    }
    int weight = r.integer("weight", 1, TargetConfig.MAX_WEIGHT, "a weight", TargetConfig.DEFAULT_WEIGHT);
    if (weight != 1 && !balance.weighted()) {
      r.problem("weight", balance.keyword() + " treats every target alike; weights need weighted-round-robin, "
          + "least-connections, random-two or source-hash");
    }
    TargetState state = r.keyword("state", TargetState.class, TargetState.ENABLED);
    r.finish();
    return new TargetConfig(address, weight, state);
  }

  private ProbeConfig probe(ConfigReader r) {
    return new ProbeParser(problems).probe(r);
  }

  private ListenerConfig listener(ConfigReader r) {
    String name = name(r);
    ListenerProtocol protocol = r.keyword("protocol", ListenerProtocol.class, ListenerProtocol.TCP);
    String host = r.string("host", ListenerConfig.DEFAULT_HOST);
    if (!isIpLiteralOrLocalName(host)) {
      r.problem("host", "'" + host + "' is not an IP address to bind (such as 0.0.0.0, 127.0.0.1 or ::)");
    }
    int port = r.integer("port", 1, 65535, "a port").orElse(0);
    if (!r.has("port")) r.problem("port", "is required");
    String pool = r.string("pool").orElse("");
    if (pool.isEmpty() && protocol != ListenerProtocol.HTTP && protocol != ListenerProtocol.HTTPS) {
      r.problem("pool", "is required");
    }
    Duration idle = r.duration("idleTimeout", ListenerConfig.DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(1), DAY);
    Duration halfClose = r.duration(
        "halfCloseTimeout", ListenerConfig.DEFAULT_HALF_CLOSE_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1));
    // Several processes on one host share the port and the kernel spreads connections (SO_REUSEPORT).
    boolean reusePort = r.bool("reusePort", false);
    Optional<ListenerTlsConfig> tls = r.object("tls").map(this::listenerTls);
    boolean terminates = protocol == ListenerProtocol.TLS || protocol == ListenerProtocol.HTTPS;
    if (tls.isPresent() && !terminates) {
      r.problem("tls", "only applies to a listener whose protocol is tls or https (this one is " + protocol.keyword() + ")");
    }
    if (tls.isEmpty() && terminates) r.problem("tls", "is required for protocol " + protocol.keyword());
    List<SniRule> sni = r.objects("sni").stream().map(this::sniRule).toList();
    if (!sni.isEmpty() && protocol != ListenerProtocol.TLS_PASSTHROUGH) {
      r.problem("sni", "routing by SNI applies to protocol tls-passthrough only");
    }
    ListenerHttpConfig http = listenerHttp(r, protocol);
    ListenerPolicy policy = listenerPolicy(r, protocol);
    r.finish();
    return new ListenerConfig(name, protocol, host, port, pool, idle, halfClose, reusePort, tls, sni, http, policy);
  }

  /** Routes and the other keys of an {@code http} or {@code https} listener (issue 6). */
  private ListenerHttpConfig listenerHttp(ConfigReader r, ListenerProtocol protocol) {
    return http.listener(r, protocol);
  }

  /** Limits, access lists and the accepted PROXY header of a listener (issue 7). */
  private ListenerPolicy listenerPolicy(ConfigReader r, ListenerProtocol protocol) {
    return new TrafficParser(problems).listenerPolicy(r, protocol);
  }

  private ListenerTlsConfig listenerTls(ConfigReader r) {
    List<String> certificates = r.strings("certificates");
    if (certificates.isEmpty()) r.problem("certificates", "name at least one certificate entry");
    String minVersion = r.string("minVersion", ListenerTlsConfig.DEFAULT_MIN_VERSION);
    if (OLD_TLS_VERSIONS.contains(minVersion)) {
      r.problem("minVersion", minVersion + " is refused: TLSv1.2 is the floor");
    } else if (!TLS_VERSIONS.contains(minVersion)) {
      r.problem("minVersion", "'" + minVersion + "' is not one of TLSv1.2, TLSv1.3");
    }
    List<String> ciphers = r.strings("cipherSuites");
    for (int i = 0; i < ciphers.size(); i++) {
      if (!CipherSuites.known(ciphers.get(i))) {
        problems.add(new Problem(r.at("cipherSuites") + "[" + i + "]", "'" + ciphers.get(i)
            + "' is not a cipher suite this JVM knows (IANA names, such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)"));
      }
    }
    ClientAuth clientAuth = r.keyword("clientAuth", ClientAuth.class, ClientAuth.NONE);
    Optional<String> clientCa = r.string("clientCa");
    if (clientAuth != ClientAuth.NONE && clientCa.isEmpty()) {
      r.problem("clientCa", "is required when clientAuth is " + clientAuth.keyword());
    }
    Duration handshake = r.duration(
        "handshakeTimeout", ListenerTlsConfig.DEFAULT_HANDSHAKE_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5));
    r.finish();
    return new ListenerTlsConfig(certificates, minVersion, ciphers, clientAuth, clientCa, handshake);
  }

  private SniRule sniRule(ConfigReader r) {
    List<String> hosts = r.strings("hosts");
    if (hosts.isEmpty()) r.problem("hosts", "name at least one server name");
    for (int i = 0; i < hosts.size(); i++) {
      if (!SERVER_NAME.matcher(hosts.get(i)).matches()) {
        problems.add(new Problem(r.at("hosts") + "[" + i + "]",
            "'" + hosts.get(i) + "' is not a server name (such as app.example.com or *.example.com)"));
      }
    }
    Optional<String> pool = r.required("pool");
    r.finish();
    return new SniRule(hosts, pool.orElse(""));
  }

  private String name(ConfigReader r) {
    Optional<String> name = r.required("name");
    if (name.isPresent() && !NAME.matcher(name.get()).matches()) {
      r.problem("name", "'" + name.get() + "' is not a valid name (lower-case letters, digits and '-', "
          + "1-63 characters, starting and ending with a letter or digit)");
    }
    return name.orElse("");
  }

  private Optional<String> file(ConfigReader r, String key) {
    Optional<String> text = r.string(key);
    if (text.isEmpty()) return Optional.empty();
    String path = resolve(text.get());
    if (!Files.isRegularFile(Path.of(path))) {
      r.problem(key, "file " + path + " does not exist");
    } else if (!Files.isReadable(Path.of(path))) {
      r.problem(key, "file " + path + " is not readable by this process");
    }
    return Optional.of(path);
  }

  private String resolve(String path) {
    return baseDir.resolve(path).toAbsolutePath().normalize().toString();
  }

  private Set<String> unique(String listPath, List<String> names) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (!n.isEmpty() && !seen.add(n)) {
        problems.add(new Problem(listPath + "[" + i + "]", "'" + n + "' appears more than once"));
      }
    }
    return seen;
  }

  private static boolean isIpLiteral(String host) {
    return isIpv4(host) || host.contains(":");
  }

  static boolean isDnsName(String name) {
    return name.length() <= 253 && DNS_NAME.matcher(name).matches();
  }

  private static boolean isIpLiteralOrLocalName(String host) {
    return host.equals("localhost") || isIpv4(host) || host.contains(":");
  }

  /** Four decimal parts of 0-255: what a bind can take without a DNS lookup ({@code 999.1.1.1} is not). */
  private static boolean isIpv4(String host) {
    if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return false;
    for (String part : host.split("\\.")) {
      if (Integer.parseInt(part) > 255) return false;
    }
    return true;
  }

  static boolean isLoopback(String host) {
    if (host.equals("localhost")) return true;
    if (!isIpLiteralOrLocalName(host)) return false;
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
