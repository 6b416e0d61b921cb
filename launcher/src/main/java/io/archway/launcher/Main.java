package io.archway.launcher;

import io.archway.core.config.ConfigLoader;
import io.archway.core.config.ConfigParser;
import io.archway.core.config.InvalidConfigException;
import io.archway.core.config.PoolConfig;
import io.archway.core.config.Problem;
import io.archway.launcher.cli.CommandLine;
import io.archway.launcher.cli.UsageException;
import io.archway.launcher.demo.DemoBackends;
import io.archway.launcher.node.GatewayNode;
import io.archway.launcher.status.StatusCommand;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;

/**
 * {@code bin/archway}: runs a node or the demo, validates a config file, or summarises a cluster.
 * Exit 0 ok, 1 runtime failure (status: a target is down), 2 usage or config (status: admin unreachable).
 */
public final class Main {

  static final int OK = 0;
  static final int RUNTIME_FAILURE = 1;
  static final int INVALID = 2;

  private Main() {}

  public static void main(String[] args) {
    // Must precede the first use of java.util.logging in this JVM.
    System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
    configureLogging();
    int code = run(args, System.getenv());
    if (code != OK) System.exit(code);
  }

  /** Runs a command; for run and demo returns once the node is up (the node keeps the JVM alive). */
  static int run(String[] args, Map<String, String> env) {
    CommandLine cli;
    try {
      cli = CommandLine.parse(args, env);
    } catch (UsageException e) {
      System.err.println("archway: " + e.getMessage());
      System.err.println(CommandLine.USAGE);
      return INVALID;
    }
    return switch (cli.command()) {
      case "validate" -> validate(Path.of(cli.file().orElseThrow()), env);
      case "status" -> new StatusCommand(cli.options().getOrDefault("admin", "http://127.0.0.1:9090"),
          Optional.ofNullable(cli.options().get("token"))).run(System.out, System.err);
      case "demo" -> serve(cli, cli.configFile("conf/demo.yaml"), env, true);
      default -> serve(cli, cli.configFile("conf/gateway.yaml"), env, false);
    };
  }

  private static int validate(Path file, Map<String, String> env) {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject document = ConfigLoader.load(vertx, file, env).await();
      List<Problem> problems = ConfigParser.problems(document, baseDir(file));
      if (problems.isEmpty()) {
        System.out.println("valid");
        return OK;
      }
      problems.forEach(System.out::println);
      return INVALID;
    } catch (InvalidConfigException e) {
      e.problems().forEach(System.out::println);
      return INVALID;
    } finally {
      vertx.close();
    }
  }

  private static int serve(CommandLine cli, Path file, Map<String, String> env, boolean demo) {
    JsonObject document;
    Vertx loader = Vertx.vertx();
    try {
      document = cli.applyTo(ConfigLoader.load(loader, file, env).await());
      if (demo) DemoBackends.start(loader).await();
    } catch (InvalidConfigException e) {
      e.problems().forEach(p -> System.err.println("archway: " + p));
      loader.close();
      return INVALID;
    } catch (RuntimeException e) {
      System.err.println("archway: " + e.getMessage());
      loader.close();
      return RUNTIME_FAILURE;
    }
    if (!demo) loader.close();
    // Registered before the node starts, so that a signal during a slow start still ends the process.
    CompletableFuture<GatewayNode> started = new CompletableFuture<>();
    // The proxies bound each drain by its pool's drainTimeout; this only guards against a stuck stop.
    Duration grace = PoolConfig.MAX_DRAIN_TIMEOUT.plusSeconds(15);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (started.isCompletedExceptionally()) return; // a failed start exits with its own code
      GatewayNode running = started.getNow(null);
      boolean clean = running != null && stopWithin(running, grace);
      if (running == null) System.err.println("archway: stopped before the node had started");
      if (demo) loader.close();
      // A JVM stopped by a signal exits 143; a node that drained cleanly exits 0 as the contract says.
      Runtime.getRuntime().halt(clean ? OK : RUNTIME_FAILURE);
    }, "archway-shutdown"));
    try {
      started.complete(GatewayNode.start(document, file).await());
    } catch (InvalidConfigException e) {
      started.completeExceptionally(e);
      e.problems().forEach(p -> System.err.println("archway: " + p));
      return INVALID;
    } catch (RuntimeException e) {
      started.completeExceptionally(e);
      System.err.println("archway: cannot start: " + e.getMessage());
      return RUNTIME_FAILURE;
    }
    return OK;
  }

  /** Stops the node on a thread of its own so that a stuck stop cannot hold the process forever. */
  private static boolean stopWithin(GatewayNode node, Duration grace) {
    CompletableFuture<Void> stopped = CompletableFuture.runAsync(node::stop);
    try {
      stopped.get(grace.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      System.err.println("archway: unclean stop: " + e);
      return false;
    }
  }

  private static Path baseDir(Path file) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    return parent == null ? Path.of(".").toAbsolutePath() : parent;
  }

  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) return;
    try (InputStream in = Main.class.getResourceAsStream("/archway-logging.properties")) {
      if (in != null) LogManager.getLogManager().readConfiguration(in);
    } catch (Exception e) {
      System.err.println("archway: default logging setup failed: " + e);
    }
  }
}
