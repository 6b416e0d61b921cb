package io.archway.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real {@code archway} process for tests: same main class and JVM flags as bin/archway. */
final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Process process;
  final Path stdout;
  final Path stderr;

  private NodeProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static NodeProcess start(Path workDir, String... args) throws IOException {
    return start(workDir, List.of(), Map.of(), args);
  }

  /** As {@link #start(Path, String...)} with extra JVM flags and environment variables. */
  static NodeProcess start(Path workDir, List<String> jvmFlags, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(moduleFlags());
    cmd.addAll(List.of("-Xmx256m", "-Darchway.home=" + projectRoot()));
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "stdout", ".log");
    Path err = Files.createTempFile(workDir, "stderr", ".log");
    ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    return new NodeProcess(p, out, err);
  }

  /**
   * The {@code --add-*} flags Hazelcast needs, as this test JVM got them from the build (the parent
   * pom's {@code hazelcast.jvm.flags}), so that the list lives in one place.
   */
  private static List<String> moduleFlags() {
    List<String> in = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      String arg = in.get(i);
      if (!arg.startsWith("--add-")) continue;
      flags.add(arg);
      if (!arg.contains("=") && i + 1 < in.size()) flags.add(in.get(++i));
    }
    if (flags.isEmpty()) throw new IllegalStateException("this JVM has no --add-* flags to pass on: run it through Maven");
    return flags;
  }

  static Path projectRoot() {
    Path p = Path.of("").toAbsolutePath();
    return p.getFileName().toString().equals("launcher") ? p.getParent() : p;
  }

  /** The status code of a GET on this node's admin API, or -1 when nothing answers. */
  static int status(int adminPort, String path) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
          .timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  /** The body of a GET on this node's admin API, or "" when nothing answers. */
  static String body(int adminPort, String path) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
          .timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  String stderrText() throws IOException {
    return Files.readString(stderr);
  }

  String stdoutText() throws IOException {
    return Files.readString(stdout);
  }

  int waitFor(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) return Integer.MIN_VALUE;
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    keepLogs();
  }

  /** Copies the process's output under target/ so a failed run can be read after the temp dir is gone. */
  private void keepLogs() {
    try {
      Path dir = Path.of("target", "node-process-logs");
      Files.createDirectories(dir);
      String name = process.pid() + "-" + stdout.getFileName();
      Files.copy(stdout, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(stderr, dir.resolve(name.replace("stdout", "stderr")),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      System.err.println("cannot keep the node's logs: " + e);
    }
  }
}
