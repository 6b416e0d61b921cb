package io.archway.core.store;

import io.archway.core.bus.EventBusAddresses;
import io.archway.core.config.ConfigDocument;
import io.archway.core.config.ConfigParser;
import io.archway.core.config.HostPort;
import io.archway.core.config.InvalidConfigException;
import io.archway.core.config.NodeSections;
import io.archway.core.config.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every change to the cluster's config goes through here, from the admin API or the event bus:
 * validate first (an invalid change changes nothing), commit by compare-and-set on the version, then
 * announce the new version on {@code archway.config.changed}.
 */
public final class ConfigWriter {

  /** Sections of the config, each a list of entries with unique names. */
  public static final List<String> SECTIONS = ConfigDocument.SHARED_KEYS;
  /**
   * Without If-Match, an entry edit that lost a race is redone on the newer config, up to this many
   * times. Each loss is another writer's success, so this bounds how many writers may race at once
   * (five was too few: eight concurrent PUTs of different listeners lost two of them with a 412).
   */
  private static final int ATTEMPTS = 100;

  private final Vertx vertx;
  private final ConfigStore store;
  private final Path baseDir;
  private final NodeSections nodeSections;

  /**
   * {@code baseDir} resolves relative certificate paths in written configs (the node's config folder);
   * {@code nodeSections} are this node's own, which a whole-config write may carry unchanged.
   */
  public ConfigWriter(Vertx vertx, ConfigStore store, Path baseDir, NodeSections nodeSections) {
    this.vertx = vertx;
    this.store = store;
    this.baseDir = baseDir;
    this.nodeSections = nodeSections;
  }

  /**
   * Replaces the whole shared config. Completes with the new version; fails with
   * {@link InvalidConfigException}, or {@link StaleVersionException} when {@code expectedVersion} (if
   * not negative) is not the current one.
   */
  public Future<VersionedConfig> replace(JsonObject document, long expectedVersion) {
    return store.current().compose(current -> {
      JsonObject shared;
      try {
        shared = validated(document.copy(), current == null ? new JsonObject() : current.config());
      } catch (InvalidConfigException e) {
        return Future.failedFuture(e);
      }
      return store.replace(shared, expectedVersion);
    }).onSuccess(this::announce);
  }

  /** Adds or replaces one entry of a section (listeners, pools, certificates), named by {@code name}. */
  public Future<VersionedConfig> putEntry(String section, String name, JsonObject entry, long expectedVersion) {
    JsonObject named = entry.copy();
    Object given = named.getValue("name");
    if (given != null && !name.equals(given)) {
      return Future.failedFuture(new InvalidConfigException(List.of(new Problem("name",
          "'" + given + "' differs from the name in the path ('" + name + "'); rename by DELETE and PUT"))));
    }
    named.put("name", name);
    return edit(expectedVersion, ATTEMPTS, (doc, version) -> {
      JsonArray list = doc.getJsonArray(section);
      int at = indexOf(list, name);
      if (at >= 0) list.set(at, named); else list.add(named);
      return doc;
    });
  }

  /** Removes one entry; fails with {@link EntryNotFoundException} when there is none by that name. */
  public Future<VersionedConfig> deleteEntry(String section, String name, long expectedVersion) {
    return edit(expectedVersion, ATTEMPTS, (doc, version) -> {
      JsonArray list = doc.getJsonArray(section);
      int at = indexOf(list, name);
      if (at < 0) throw new EntryNotFoundException(section, name, version);
      list.remove(at);
      return doc;
    });
  }

  /** Sets the state of one target of a pool ({@code enabled}, {@code draining}, {@code disabled}). */
  public Future<VersionedConfig> setTargetState(String pool, String address, String state, long expectedVersion) {
    return edit(expectedVersion, ATTEMPTS, (doc, version) -> {
      JsonArray pools = doc.getJsonArray("pools");
      int at = indexOf(pools, pool);
      if (at < 0) throw new EntryNotFoundException("pools", pool, version);
      JsonArray targets = pools.getJsonObject(at).getJsonArray("targets", new JsonArray());
      for (int i = 0; i < targets.size(); i++) {
        if (targets.getValue(i) instanceof JsonObject t && sameAddress(t.getValue("address"), address)) {
          t.put("state", state);
          return doc;
        }
      }
      throw new EntryNotFoundException("targets", address, version);
    });
  }

  private static boolean sameAddress(Object configured, String wanted) {
    if (!(configured instanceof String text)) return false;
    try {
      return HostPort.parse(text).equals(HostPort.parse(wanted));
    } catch (IllegalArgumentException e) {
      return text.equals(wanted);
    }
  }

  /** A change of the current document; may throw to refuse it. */
  private interface Edit {
    JsonObject apply(JsonObject document, long version);
  }

  private Future<VersionedConfig> edit(long expectedVersion, int attempts, Edit edit) {
    return store.current().compose(current -> {
      long version = current == null ? 0 : current.version();
      if (expectedVersion >= 0 && version != expectedVersion) {
        return Future.failedFuture(new StaleVersionException(expectedVersion, version));
      }
      JsonObject shared;
      try {
        JsonObject before = current == null ? ConfigDocument.shared(new JsonObject(), baseDir) : current.config();
        shared = validated(edit.apply(before.copy(), version), before);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      return store.replace(shared, version).recover(e -> e instanceof StaleVersionException && expectedVersion < 0
          && attempts > 1 ? edit(expectedVersion, attempts - 1, edit) : Future.failedFuture(e));
    }).onSuccess(this::announce);
  }

  /**
   * The shared part of {@code document} (changed in place: secrets sent back as {@code ***} become the
   * ones {@code current} has), or every problem that keeps it from being applied.
   */
  private JsonObject validated(JsonObject document, JsonObject current) {
    List<Problem> problems = new ArrayList<>(ConfigDocument.keepSecrets(document, current));
    Set<String> placeholders = problems.stream().map(Problem::path).collect(Collectors.toSet());
    JsonObject shared = ConfigDocument.shared(document, baseDir);
    problems.addAll(nodeSections.changes(document));
    for (String key : document.fieldNames()) {
      if (!SECTIONS.contains(key) && !NodeSections.KEYS.contains(key)) {
        shared.put(key, document.getValue(key)); // the parser names it as an unknown key
      }
    }
    // A placeholder with no secret behind it is named once, not again as a wrong password.
    ConfigParser.problems(shared, baseDir).stream().filter(p -> !placeholders.contains(p.path())).forEach(problems::add);
    if (!problems.isEmpty()) throw new InvalidConfigException(problems);
    return shared;
  }

  private void announce(VersionedConfig committed) {
    vertx.eventBus().publish(EventBusAddresses.CONFIG_CHANGED, new JsonObject().put("version", committed.version()));
  }

  private static int indexOf(JsonArray list, String name) {
    for (int i = 0; i < list.size(); i++) {
      if (list.getValue(i) instanceof JsonObject o && name.equals(o.getString("name"))) return i;
    }
    return -1;
  }
}
