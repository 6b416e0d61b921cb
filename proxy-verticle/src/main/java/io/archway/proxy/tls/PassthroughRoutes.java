package io.archway.proxy.tls;

import io.archway.core.config.SniRule;
import io.archway.proxy.pool.Pool;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a passthrough listener sends a client by the server name of its ClientHello: the first rule
 * naming it exactly, else the first naming its {@code *.} wildcard, else the listener's default pool.
 * A fixed map built per config: unknown names grow nothing.
 */
public final class PassthroughRoutes {

  private final Mapping<String, Pool> pools;

  private PassthroughRoutes(Mapping<String, Pool> pools) {
    this.pools = pools;
  }

  /** {@code byName} must hold every pool the rules name. */
  public static PassthroughRoutes of(List<SniRule> rules, Pool defaultPool, Map<String, Pool> byName) {
    DomainWildcardMappingBuilder<Pool> builder = new DomainWildcardMappingBuilder<>(defaultPool);
    Set<String> seen = new HashSet<>();
    for (SniRule rule : rules) {
      Pool pool = byName.get(rule.pool());
      for (String host : rule.hosts()) {
        if (pool != null && seen.add(host.toLowerCase(java.util.Locale.ROOT))) builder.add(host, pool);
      }
    }
    return new PassthroughRoutes(builder.build());
  }

  /** The pool for a client that sent {@code sni} (null: none). */
  public Pool pool(String sni) {
    return pools.map(sni);
  }
}
