package io.archway.core.bus;

/** The event bus addresses of the contract, for other Vert.x services of the same cluster. */
public final class EventBusAddresses {

  /** Request/reply: {@code {"config":{...},"expectedVersion":N?}}, replies {@code {"version":N}}. */
  public static final String CONFIG_APPLY = "archway.config.apply";

  /** Published after every committed config change: {@code {"version":N}}. */
  public static final String CONFIG_CHANGED = "archway.config.changed";

  /** Published on every target state change: {@code {"node","pool","target","state"}}. */
  public static final String HEALTH_CHANGED = "archway.health.changed";

  private EventBusAddresses() {}
}
