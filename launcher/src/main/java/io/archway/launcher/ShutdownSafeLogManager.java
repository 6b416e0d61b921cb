package io.archway.launcher;

import java.util.logging.LogManager;

/**
 * A {@link LogManager} that keeps its handlers while the JVM shuts down. The JDK's own shutdown hook
 * resets logging at the same time as ours drains the node, which would silence the drain's log lines.
 */
public final class ShutdownSafeLogManager extends LogManager {

  @Override
  public void reset() {
    // The JDK's hook thread is LogManager$Cleaner; every other reset (readConfiguration) goes through.
    if (Thread.currentThread().getClass().getName().endsWith("LogManager$Cleaner")) return;
    super.reset();
  }
}
