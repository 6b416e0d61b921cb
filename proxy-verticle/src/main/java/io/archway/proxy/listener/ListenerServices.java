package io.archway.proxy.listener;

import io.archway.proxy.accesslog.AccessLog;
import io.archway.proxy.connect.Connector;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/** What every listener of one proxy verticle uses. */
public record ListenerServices(
    Vertx vertx, String node, MeterRegistry registry, Connector connector, AccessLog accessLog) {}
