package io.archway.core.metrics;

/** The metric names of the contract, as Micrometer names (Prometheus adds {@code _total} to counters). */
public final class MetricNames {

  public static final String LISTENER_CONNECTIONS_ACTIVE = "archway.listener.connections.active";
  public static final String LISTENER_CONNECTIONS = "archway.listener.connections";
  public static final String LISTENER_BYTES = "archway.listener.bytes";
  public static final String LISTENER_REJECTED = "archway.listener.rejected";
  public static final String BACKEND_CONNECT = "archway.backend.connect";
  public static final String BACKEND_CONNECT_ERRORS = "archway.backend.connect.errors";
  public static final String POOL_TARGETS = "archway.pool.targets";
  public static final String CONFIG_VERSION = "archway.config.version";
  /** Config versions this node applied ({@code result="ok"}) or could not ({@code result="failed"}). */
  public static final String CONFIG_APPLIES = "archway.config.applies";
  /** TLS handshakes of clients with a listener, by {@code result} ({@code ok}, {@code failed}). */
  public static final String TLS_HANDSHAKES = "archway.tls.handshakes";
  /** Failed client TLS handshakes by {@code reason}, one of a fixed set (never words from the wire). */
  public static final String TLS_HANDSHAKE_FAILURES = "archway.tls.handshake.failures";
  /** Connect attempts to another target after a failed one, per pool. */
  public static final String BACKEND_RETRIES = "archway.backend.retries";
  /** Clients connected to a target other than the first one picked (a retry that saved the connection). */
  public static final String BACKEND_REDISPATCHES = "archway.backend.redispatches";
  /** Health probe results by pool, target and {@code result} ({@code success}, {@code failure}, {@code timeout}). */
  public static final String PROBE_RESULTS = "archway.probe.results";
  /** Time each health probe took, by pool and target (histogram). */
  public static final String PROBE_DURATION = "archway.probe.duration";
  /**
   * Connections open under a drain deadline, by listener and {@code kind} ({@code listener}: it stopped
   * accepting; {@code target}: their target drains). A long task timer: {@code _count} is how many now.
   */
  public static final String DRAINING_CONNECTIONS = "archway.drain.connections";

  public static final String TAG_LISTENER = "listener";
  public static final String TAG_POOL = "pool";
  public static final String TAG_TARGET = "target";
  public static final String TAG_DIRECTION = "direction";
  public static final String TAG_REASON = "reason";
  public static final String TAG_STATE = "state";
  public static final String TAG_RESULT = "result";
  public static final String TAG_KIND = "kind";

  private MetricNames() {}
}
