package io.archway.proxy.connect;

import io.archway.proxy.pool.Target;
import io.netty.channel.Channel;

/** A connection opened to a target, not yet relayed: its pipeline holds {@link Unrelayed} last. */
public record Backend(Channel channel, Target target) {}
