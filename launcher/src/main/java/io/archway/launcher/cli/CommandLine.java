package io.archway.launcher.cli;

import io.archway.core.config.ClusterJoin;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The launcher's command line: a command ({@code run}, {@code demo}, {@code validate}, {@code status}) and
 * options, each
 * also settable by an environment variable {@code ARCHWAY_<NAME>}; an option beats the environment,
 * which beats the config file.
 */
public record CommandLine(String command, Map<String, String> options, Optional<String> file) {

  /** Options of {@code run} and {@code demo}, by name without dashes. */
  public static final List<String> OPTIONS = List.of("config", "node-name", "bind-host", "admin-port",
      "cluster-join", "cluster-members", "cluster-service-dns", "cluster-host", "cluster-port", "state-dir");

  /** Options of {@code status} and the environment variables that set them. */
  public static final Map<String, String> STATUS_OPTIONS =
      Map.of("admin", "ARCHWAY_ADMIN_URL", "token", "ARCHWAY_ADMIN_TOKEN");

  public static final String USAGE = """
      usage: archway run [--config FILE] [--node-name NAME] [--bind-host IP] [--admin-port PORT]
                         [--cluster-join tcp-ip|kubernetes] [--cluster-members H:P,...]
                         [--cluster-service-dns NAME] [--cluster-host IP] [--cluster-port PORT]
                         [--state-dir DIR]
             archway demo [same options as run]
             archway validate FILE
             archway status [--admin URL] [--token TOKEN]   (ARCHWAY_ADMIN_URL, ARCHWAY_ADMIN_TOKEN)
      Each option can also be set by an environment variable: --admin-port by ARCHWAY_ADMIN_PORT, ...""";

  /** Parses arguments; throws {@link UsageException} naming the bad one. */
  public static CommandLine parse(String[] args, Map<String, String> env) {
    if (args.length == 0) throw new UsageException("a command is required");
    String command = args[0];
    if (command.equals("validate")) {
      if (args.length != 2) throw new UsageException("validate takes one FILE");
      return new CommandLine(command, Map.of(), Optional.of(args[1]));
    }
    if (command.equals("status")) {
      return new CommandLine(command, options(args, STATUS_OPTIONS, env), Optional.empty());
    }
    if (!command.equals("run") && !command.equals("demo")) {
      throw new UsageException("unknown command '" + command + "' (run, demo, validate, status)");
    }
    Map<String, String> variables = new LinkedHashMap<>();
    OPTIONS.forEach(o -> variables.put(o, "ARCHWAY_" + o.toUpperCase().replace('-', '_')));
    Map<String, String> options = options(args, variables, env);
    for (String port : List.of("admin-port", "cluster-port")) {
      if (options.containsKey(port)) checkPort(source(port, args, variables), options.get(port));
    }
    if (options.containsKey("cluster-join")) checkJoin(source("cluster-join", args, variables), options.get("cluster-join"));
    return new CommandLine(command, options, Optional.empty());
  }

  /** Options by name (without dashes) from the environment variables named, then from the arguments. */
  private static Map<String, String> options(String[] args, Map<String, String> allowed, Map<String, String> env) {
    Map<String, String> options = new LinkedHashMap<>();
    allowed.forEach((name, variable) -> {
      String value = env.get(variable);
      if (value != null && !value.isEmpty()) options.put(name, value);
    });
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) throw new UsageException("unexpected argument '" + arg + "'");
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!allowed.containsKey(name)) throw new UsageException("unknown option --" + name);
      if (value == null) {
        if (i + 1 >= args.length) throw new UsageException("--" + name + " needs a value");
        value = args[++i];
      }
      options.put(name, value);
    }
    return options;
  }

  /** Where option {@code name} came from, for a message: {@code --name}, or the variable that set it. */
  private static String source(String name, String[] args, Map<String, String> variables) {
    boolean given = Arrays.stream(args).anyMatch(a -> a.equals("--" + name) || a.startsWith("--" + name + "="));
    return given ? "--" + name : variables.get(name) + " (--" + name + ")";
  }

  private static void checkPort(String source, String value) {
    try {
      int p = Integer.parseInt(value);
      if (p >= 1 && p <= 65535) return;
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new UsageException(source + ": '" + value + "' is not a port (1-65535)");
  }

  private static void checkJoin(String source, String value) {
    if (Arrays.stream(ClusterJoin.values()).anyMatch(j -> j.keyword().equals(value))) return;
    throw new UsageException(source + ": '" + value + "' is not one of tcp-ip, kubernetes");
  }

  /**
   * The config file: {@code --config} as given (relative to the working directory), else the default,
   * looked up in the working directory first and then in the installation ({@code archway.home}).
   */
  public Path configFile(String fallback) {
    if (options.containsKey("config")) return Path.of(options.get("config"));
    Path local = Path.of(fallback);
    String home = System.getProperty("archway.home");
    if (java.nio.file.Files.exists(local) || home == null) return local;
    return Path.of(home).resolve(fallback);
  }

  /** The document with this command line's node options written over the file's values. */
  public JsonObject applyTo(JsonObject document) {
    JsonObject doc = document.copy();
    put(doc, "node", "name", options.get("node-name"));
    put(doc, "node", "bindHost", options.get("bind-host"));
    put(doc, "admin", "port", options.containsKey("admin-port") ? Integer.parseInt(options.get("admin-port")) : null);
    put(doc, "cluster", "join", options.get("cluster-join"));
    put(doc, "cluster", "members", options.get("cluster-members"));
    put(doc, "cluster", "serviceDns", options.get("cluster-service-dns"));
    put(doc, "cluster", "host", options.get("cluster-host"));
    put(doc, "cluster", "port",
        options.containsKey("cluster-port") ? Integer.parseInt(options.get("cluster-port")) : null);
    // An option's path is the operator's, relative to where they ran the command, not to the config file.
    put(doc, "node", "stateDir",
        options.containsKey("state-dir") ? Path.of(options.get("state-dir")).toAbsolutePath().toString() : null);
    return doc;
  }

  private static void put(JsonObject doc, String section, String key, Object value) {
    if (value == null) return;
    Object existing = doc.getValue(section);
    JsonObject target = existing instanceof JsonObject o ? o : new JsonObject();
    target.put(key, value);
    doc.put(section, target);
  }
}
