package io.archway.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

/**
 * The cluster's current config and its version, held in one entry of a cluster-wide map (a Hazelcast
 * map when clustered). Every change is a compare-and-set, so concurrent writers never lose an update.
 */
public final class ConfigStore {

  static final String MAP = "archway.config";
  private static final String KEY = "current";

  private final AsyncMap<String, String> map;

  private ConfigStore(AsyncMap<String, String> map) {
    this.map = map;
  }

  /** Completes when the cluster-wide map is reachable. */
  public static Future<ConfigStore> open(Vertx vertx) {
    return vertx.sharedData().<String, String>getAsyncMap(MAP).map(ConfigStore::new);
  }

  /** Completes with the current config, or {@code null} when nobody has published one yet. */
  public Future<VersionedConfig> current() {
    return map.get(KEY).map(text -> text == null ? null : VersionedConfig.fromJson(text));
  }

  /**
   * Publishes {@code config} as version 1 unless the cluster already has a config; completes with the
   * one that is current afterwards (ours or the cluster's).
   */
  public Future<VersionedConfig> publishIfAbsent(JsonObject config) {
    return publishIfAbsent(new VersionedConfig(1, config));
  }

  /**
   * Publishes {@code first} (a config a node restores with its own version) unless the cluster already
   * has a config; completes with the one that is current afterwards.
   */
  public Future<VersionedConfig> publishIfAbsent(VersionedConfig first) {
    return map.putIfAbsent(KEY, first.toJson().encode())
        .map(existing -> existing == null ? first : VersionedConfig.fromJson(existing));
  }

  /**
   * Replaces the config when the current version is {@code expectedVersion} (or whatever it is, when
   * negative); completes with the new version, or fails with {@link StaleVersionException}.
   */
  public Future<VersionedConfig> replace(JsonObject config, long expectedVersion) {
    return map.get(KEY).compose(text -> {
      if (text == null) {
        if (expectedVersion > 0) return Future.failedFuture(new StaleVersionException(expectedVersion, 0));
        VersionedConfig first = new VersionedConfig(1, config);
        // Ours only if the slot was still empty; a writer that got there first makes us start over.
        return map.putIfAbsent(KEY, first.toJson().encode())
            .compose(existing -> existing == null ? Future.succeededFuture(first) : replace(config, expectedVersion));
      }
      VersionedConfig current = VersionedConfig.fromJson(text);
      if (expectedVersion >= 0 && current.version() != expectedVersion) {
        return Future.failedFuture(new StaleVersionException(expectedVersion, current.version()));
      }
      VersionedConfig next = new VersionedConfig(current.version() + 1, config);
      return map.replaceIfPresent(KEY, text, next.toJson().encode())
          .compose(swapped -> swapped ? Future.succeededFuture(next) : replace(config, expectedVersion));
    });
  }
}
