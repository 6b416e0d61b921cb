package io.archway.proxy.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a node knows of one target of one pool beyond its config, shared by the node's proxy verticles:
 * its active connections, its consecutive connect failures, and until when passive health keeps it out.
 */
final class TargetCounters {

  final AtomicInteger active = new AtomicInteger();
  final AtomicInteger failures = new AtomicInteger();
  /** {@link System#nanoTime()} until which the target is out; 0: it is not. */
  final AtomicLong outUntil = new AtomicLong();
}
