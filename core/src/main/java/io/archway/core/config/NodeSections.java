package io.archway.core.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sections of a config that belong to one node ({@code admin}, {@code node}, {@code cluster},
 * {@code accessLog}), as a write to the cluster's config meets them. A write may carry them only
 * unchanged from the node that takes it (as when an operator sends back the node's own file with a
 * listener added); a value that differs is a problem at its path, since a node's own settings change
 * in its file or options, at its restart. They are never stored in the cluster's config.
 */
public final class NodeSections {

  /** The top-level keys of the sections. */
  public static final List<String> KEYS = List.of("admin", "node", "cluster", "accessLog");

  private final JsonObject own;
  private final Path baseDir;
  private final Map<String, String> env;
  private final GatewayConfig ownConfig;

  /**
   * {@code document} is this node's own document (its file, options written over it, variables
   * replaced); {@code env} replaces {@code ${VAR}} in written sections as in the file.
   */
  public NodeSections(JsonObject document, Path baseDir, Map<String, String> env) {
    this.own = new JsonObject();
    for (String key : KEYS) {
      if (document.getValue(key) instanceof JsonObject section) own.put(key, section.copy());
    }
    this.baseDir = baseDir;
    this.env = env;
    this.ownConfig = ConfigParser.parse(own, baseDir);
  }

  /** Every node-local setting in {@code written} that is not this node's, or cannot be read. */
  public List<Problem> changes(JsonObject written) {
    List<Problem> problems = new ArrayList<>();
    for (String key : KEYS) {
      if (!written.containsKey(key)) continue;
      if (!(written.getValue(key) instanceof JsonObject section)) {
        problems.add(new Problem(key, "must be a map, as in the node's file (or leave it out: it is each node's own)"));
        continue;
      }
      JsonObject resolved;
      try {
        resolved = (JsonObject) ConfigLoader.substitute(new JsonObject().put(key, section), env).getValue(key);
      } catch (InvalidConfigException e) {
        problems.addAll(e.problems());
        continue;
      }
      for (String field : resolved.fieldNames()) {
        JsonObject changed = own.copy();
        JsonObject target = changed.getValue(key) instanceof JsonObject o ? o : new JsonObject();
        target.put(field, resolved.getValue(field));
        changed.put(key, target);
        String path = key + "." + field;
        GatewayConfig config;
        try {
          config = ConfigParser.parse(changed, baseDir);
        } catch (InvalidConfigException e) {
          problems.addAll(e.problems());
          continue;
        }
        if (!sameNodeSettings(config)) {
          problems.add(new Problem(path, "differs from this node's own setting; " + key + " belongs to each "
              + "node's config file (and options) and changes there, at the node's restart: send it unchanged "
              + "or leave it out"));
        }
      }
    }
    return problems;
  }

  private boolean sameNodeSettings(GatewayConfig config) {
    return config.admin().equals(ownConfig.admin()) && comparable(config.node()).equals(comparable(ownConfig.node()))
        && config.accessLog().equals(ownConfig.accessLog());
  }

  /** {@code n} with its state folder absolute: the default is relative to the working folder, a value is not. */
  private static NodeConfig comparable(NodeConfig n) {
    return new NodeConfig(n.name(), n.bindHost(), Path.of(n.stateDir()).toAbsolutePath().normalize().toString(),
        n.clusterJoin(), n.clusterMembers(), n.clusterServiceDns(), n.clusterHost(), n.clusterPort(),
        n.shutdownTimeout());
  }
}
