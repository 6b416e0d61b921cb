package io.archway.proxy.connect;

import io.archway.proxy.pool.Target;
import io.vertx.core.internal.net.NetSocketInternal;

/** A connection opened to a target, not yet relayed. */
public record Backend(NetSocketInternal socket, Target target) {}
