package io.archway.health;

import io.archway.core.bus.EventBusAddresses;
import io.archway.core.config.CertificateConfig;
import io.archway.core.config.GatewayConfig;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.TargetConfig;
import io.archway.core.config.TargetState;
import io.archway.core.health.HealthBoard;
import io.archway.core.health.TargetHealth;
import io.archway.core.node.ConfigApplier;
import io.archway.core.node.NodeContext;
import io.archway.health.board.BoardWriter;
import io.archway.health.metrics.PoolTargetGauges;
import io.archway.health.metrics.ProbeMeters;
import io.archway.health.probe.Check;
import io.archway.health.probe.ProbeChecks;
import io.archway.health.probe.TargetProbe;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Probes every enabled target of every pool on this node and keeps the node's health view, the
 * cluster-wide health board and the {@code archway_pool_targets} gauges up to date; publishes each change
 * of a target's health on {@value EventBusAddresses#HEALTH_CHANGED}. Deploy one instance per node.
 *
 * <p>Disabled targets are not probed: they get no traffic, and an operator often disables a target to
 * take it down. They leave the health view, count as {@code disabled} in the gauges, and are probed
 * at once when enabled again. Draining targets are probed like enabled ones, since they still carry
 * connections.
 */
public final class HealthVerticle extends VerticleBase implements ConfigApplier {

  private static final System.Logger LOG = System.getLogger(HealthVerticle.class.getName());

  private final NodeContext node;
  private final HealthBoard board;
  // pool -> target address -> its probe; touched only on this verticle's context.
  private final Map<String, Map<String, TargetProbe>> probes = new LinkedHashMap<>();
  private final Map<String, Integer> disabledTargets = new HashMap<>();
  private NetClient client;
  private HttpClient httpClient;
  private BoardWriter boardWriter;
  private PoolTargetGauges gauges;
  private ProbeMeters probeMeters;
  private ProbeChecks checks;
  private long refreshTimer = -1;
  private volatile Context runningOn;

  public HealthVerticle(NodeContext node, HealthBoard board) {
    this.node = node;
    this.board = board;
  }

  @Override
  public Future<?> start() {
    client = vertx.createNetClient(new NetClientOptions());
    // No keep-alive: every HTTP probe opens its own connection, as a client of the pool would.
    httpClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    checks = new ProbeChecks(client, httpClient);
    gauges = new PoolTargetGauges(node.metrics().registry());
    probeMeters = new ProbeMeters(node.metrics().registry());
    boardWriter = new BoardWriter(board, node.nodeName(), node.health()::snapshot);
    // The board forgets a node that stops refreshing its entry, so a dead node's view drops out on its own.
    refreshTimer = vertx.setPeriodic(HealthBoard.TTL_MS / 3, id -> boardWriter.write());
    boardWriter.write();
    runningOn = context;
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    runningOn = null;
    vertx.cancelTimer(refreshTimer);
    probes.values().forEach(targets -> targets.values().forEach(TargetProbe::stop));
    probes.clear();
    gauges.close();
    probeMeters.close();
    return boardWriter.close()
        .recover(e -> {
          LOG.log(Level.WARNING, "cannot remove node " + node.nodeName() + "'s health from the cluster: "
              + e.getMessage() + "; it expires within " + HealthBoard.TTL_MS / 1000 + "s");
          return Future.succeededFuture();
        })
        .compose(v -> Future.join(client.close(), httpClient.close()).mapEmpty());
  }

  /**
   * Starts, updates and stops probes so that exactly the enabled and draining targets of
   * {@code config}'s pools are probed; targets that stay keep their health. A new target is unhealthy
   * until its first probe, which runs at once. Callable from any thread once the verticle is deployed;
   * completes when the probes are in place (not when their first results are in).
   */
  @Override
  public Future<Void> apply(GatewayConfig config) {
    Context context = runningOn;
    if (context == null) {
      return Future.failedFuture(new IllegalStateException("the health verticle is not running; deploy it first"));
    }
    Promise<Void> applied = Promise.promise();
    context.runOnContext(v -> {
      if (runningOn == null) {
        applied.fail(new IllegalStateException("the health verticle stopped before the config was applied"));
        return;
      }
      try {
        applyHere(config);
        applied.complete();
      } catch (RuntimeException e) {
        applied.fail(e);
      }
    });
    return applied.future();
  }

  private void applyHere(GatewayConfig config) {
    Map<String, Set<String>> probed = new LinkedHashMap<>();
    List<TargetProbe> started = new ArrayList<>();
    Map<String, CertificateConfig> certificates = new HashMap<>();
    config.certificates().forEach(c -> certificates.put(c.name(), c));
    for (PoolConfig pool : config.pools()) {
      Check check = checks.forPool(pool, certificates);
      Map<String, TargetProbe> current = probes.computeIfAbsent(pool.name(), p -> new LinkedHashMap<>());
      Set<String> keep = new LinkedHashSet<>();
      int disabled = 0;
      for (TargetConfig target : pool.targets()) {
        if (target.state() == TargetState.DISABLED) {
          disabled++;
          continue;
        }
        String address = target.address().toString();
        keep.add(address);
        TargetProbe probe = current.get(address);
        if (probe != null) {
          probe.update(pool.probe(), check);
        } else {
          probe = new TargetProbe(vertx, check, pool.name(), target.address(), pool.probe(), this::changed,
              (p, outcome, nanos) -> probeMeters.record(p.pool(), p.target().toString(), outcome, nanos));
          current.put(address, probe);
          node.health().set(pool.name(), address, TargetHealth.UNHEALTHY);
          started.add(probe);
        }
      }
      current.entrySet().removeIf(entry -> stopUnless(keep.contains(entry.getKey()), entry.getValue()));
      disabledTargets.put(pool.name(), disabled);
      probed.put(pool.name(), keep);
    }
    probes.entrySet().removeIf(entry -> {
      if (probed.containsKey(entry.getKey())) return false;
      entry.getValue().values().forEach(TargetProbe::stop);
      return true;
    });
    disabledTargets.keySet().retainAll(probed.keySet());
    checks.retain(probed.keySet());
    node.health().retain(probed);
    gauges.retain(probed.keySet());
    probeMeters.retain(probed);
    probed.keySet().forEach(this::count);
    boardWriter.write();
    // Started last, so that every first result finds its target already in the view.
    started.forEach(TargetProbe::start);
  }

  private static boolean stopUnless(boolean kept, TargetProbe probe) {
    if (!kept) probe.stop();
    return !kept;
  }

  private void changed(TargetProbe probe, TargetHealth health, String reason) {
    String pool = probe.pool();
    String target = probe.target().toString();
    node.health().set(pool, target, health);
    LOG.log(health == TargetHealth.HEALTHY ? Level.INFO : Level.WARNING,
        "pool " + pool + " target " + target + " is now " + health.keyword() + " (" + reason + ")");
    vertx.eventBus().publish(EventBusAddresses.HEALTH_CHANGED, new JsonObject()
        .put("node", node.nodeName())
        .put("pool", pool)
        .put("target", target)
        .put("state", health.keyword()));
    count(pool);
    boardWriter.write();
  }

  private void count(String pool) {
    int healthy = 0;
    int unhealthy = 0;
    for (TargetProbe probe : probes.getOrDefault(pool, Map.of()).values()) {
      if (probe.health() == TargetHealth.HEALTHY) healthy++;
      else unhealthy++;
    }
    gauges.set(pool, healthy, unhealthy, disabledTargets.getOrDefault(pool, 0));
  }
}
