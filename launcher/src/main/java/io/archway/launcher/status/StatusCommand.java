package io.archway.launcher.status;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code archway status}: a terminal summary of the cluster from any node's admin API (nodes, listeners,
 * pools, unhealthy targets). Exit 0 when every target is healthy on every node, 1 when some target is
 * down somewhere, 2 when the admin API cannot be reached or refuses the token.
 */
public final class StatusCommand {

  public static final int HEALTHY = 0;
  public static final int TARGET_DOWN = 1;
  public static final int UNREACHABLE = 2;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String admin;
  private final Optional<String> token;

  public StatusCommand(String admin, Optional<String> token) {
    this.admin = admin.endsWith("/") ? admin.substring(0, admin.length() - 1) : admin;
    this.token = token;
  }

  public int run(PrintStream out, PrintStream err) {
    JsonObject cluster;
    JsonObject health;
    JsonObject config;
    try {
      cluster = get("/api/cluster");
      health = get("/api/health");
      config = get("/api/config");
    } catch (UnreachableException e) {
      err.println("archway status: " + e.getMessage());
      return UNREACHABLE;
    }
    printNodes(out, cluster);
    printListeners(out, config);
    return printPools(out, config, health) ? HEALTHY : TARGET_DOWN;
  }

  private static void printNodes(PrintStream out, JsonObject cluster) {
    out.println("nodes (cluster config version " + cluster.getLong("configVersion", 0L) + ")");
    for (Object o : cluster.getJsonArray("nodes", new JsonArray())) {
      JsonObject n = (JsonObject) o;
      out.printf("  %-20s %-22s %-9s applied %d%s%n", n.getString("name"), n.getString("admin"),
          n.getString("state"), n.getLong("appliedVersion", 0L),
          n.containsKey("error") ? "  error: " + n.getString("error") : "");
    }
  }

  private static void printListeners(PrintStream out, JsonObject config) {
    out.println("listeners");
    for (Object o : config.getJsonArray("listeners", new JsonArray())) {
      JsonObject l = (JsonObject) o;
      out.printf("  %-20s %-16s %s:%s -> pool %s%n", l.getString("name"), l.getString("protocol", "tcp"),
          l.getString("host", "0.0.0.0"), l.getValue("port"), l.getString("pool", "-"));
    }
  }

  /** Prints each pool's targets; true when none is unhealthy on any node. */
  private static boolean printPools(PrintStream out, JsonObject config, JsonObject health) {
    out.println("pools");
    JsonObject views = health.getJsonObject("pools", new JsonObject());
    boolean allHealthy = true;
    for (Object o : config.getJsonArray("pools", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      String pool = p.getString("name");
      out.printf("  %s%n", pool);
      JsonObject targets = views.getJsonObject(pool, new JsonObject());
      for (Object t : p.getJsonArray("targets", new JsonArray())) {
        JsonObject target = (JsonObject) t;
        String address = target.getString("address");
        String state = target.getString("state", "enabled");
        if (!state.equals("enabled")) {
          out.printf("    %-24s %s%n", address, state);
          continue;
        }
        List<String> down = new ArrayList<>();
        JsonObject byNode = targets.getJsonObject(address, new JsonObject());
        for (Map.Entry<String, Object> e : byNode) {
          if (!"healthy".equals(e.getValue())) down.add(e.getKey());
        }
        if (byNode.isEmpty()) down.add("every node (no probe result yet)");
        allHealthy &= down.isEmpty();
        out.printf("    %-24s %s%n", address, down.isEmpty()
            ? "healthy on " + byNode.size() + " node" + (byNode.size() == 1 ? "" : "s")
            : "UNHEALTHY on " + String.join(", ", down));
      }
    }
    return allHealthy;
  }

  private JsonObject get(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + path)).timeout(Duration.ofSeconds(5));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      throw new UnreachableException("cannot reach the admin API at " + admin + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException("interrupted");
    }
    if (response.statusCode() == 401) {
      throw new UnreachableException("the admin API at " + admin + " needs a token: --token or ARCHWAY_ADMIN_TOKEN");
    }
    if (response.statusCode() != 200) {
      throw new UnreachableException("GET " + admin + path + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return new JsonObject(response.body());
  }

  private static final class UnreachableException extends RuntimeException {
    UnreachableException(String message) {
      super(message);
    }
  }
}
