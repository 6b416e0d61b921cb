package io.archway.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records the SEVERE lines Vert.x and Netty write while a test runs (a gateway, a probe). Vert.x logs an exception that
 * reached no handler (a reset stream, a failed socket) at SEVERE: in a node's log that is an error an
 * operator has to chase, so an exception the gateway expects must be handled where it happens.
 */
public final class ErrorLog extends Handler {

  private final List<String> lines = new CopyOnWriteArrayList<>();

  /** Starts recording, on the root logger. */
  public static ErrorLog install() {
    ErrorLog log = new ErrorLog();
    Logger.getLogger("").addHandler(log);
    return log;
  }

  @Override
  public void publish(LogRecord record) {
    if (record.getLevel().intValue() < Level.SEVERE.intValue()) return;
    String name = String.valueOf(record.getLoggerName());
    if (!name.startsWith("io.vertx") && !name.startsWith("io.netty")) return;
    if (String.valueOf(record.getMessage()).startsWith("LEAK:")) return;   // LeakCheck's business
    lines.add(name + ": " + record.getMessage() + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")"));
  }

  /** Stops recording and returns what was recorded. */
  public List<String> uninstall() {
    Logger.getLogger("").removeHandler(this);
    return List.copyOf(lines);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
