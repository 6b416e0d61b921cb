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

  public static final String TAG_LISTENER = "listener";
  public static final String TAG_POOL = "pool";
  public static final String TAG_TARGET = "target";
  public static final String TAG_DIRECTION = "direction";
  public static final String TAG_REASON = "reason";
  public static final String TAG_STATE = "state";
  public static final String TAG_RESULT = "result";

  private MetricNames() {}
}
