package io.archway.core.node;

import io.archway.core.config.GatewayConfig;
import io.vertx.core.Future;

/** A verticle that takes each new config the node adopts and changes only what differs. */
public interface ConfigApplier {

  /** Completes once the verticle runs {@code config}; fails, naming the cause, when it cannot. */
  Future<Void> apply(GatewayConfig config);
}
