package io.archway.core.config;

import java.util.List;

/** A passthrough routing rule: server names (exact or {@code *.} wildcard) and the pool they go to. */
public record SniRule(List<String> hosts, String pool) {

  public SniRule {
    hosts = List.copyOf(hosts);
  }
}
