package io.archway.proxy.accesslog;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The access log: event loops hand entries to a bounded queue and never wait; one daemon thread turns
 * them into JSON lines and writes them in batches. When the writer falls behind, entries are dropped
 * and counted ({@link #dropped()}), so a slow stdout can never stall the relay.
 */
public final class AccessLog implements AutoCloseable {

  public static final int DEFAULT_CAPACITY = 65_536;
  private static final int BATCH = 1_024;

  private final BlockingQueue<AccessLogLine> queue;
  private final Consumer<String> sink;
  private final LongAdder dropped = new LongAdder();
  private final Thread writer;
  private volatile boolean closed;

  private AccessLog(Consumer<String> sink, int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sink = sink;
    this.writer = new Thread(this::write, "archway-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * A log writing to {@code sink}; each call of the sink gets one or more whole lines, each ending
   * with a newline.
   */
  public static AccessLog start(Consumer<String> sink, int capacity) {
    return new AccessLog(sink, capacity);
  }

  /** The process's stdout log, shared by every verticle of the process (stdout is one stream). */
  public static AccessLog stdout() {
    return Stdout.LOG;
  }

  /** Queues an entry without blocking; drops and counts it when the queue is full or the log closed. */
  public void log(AccessLogLine entry) {
    if (closed || !queue.offer(entry)) dropped.increment();
  }

  /** Entries dropped so far because the writer fell behind. */
  public long dropped() {
    return dropped.sum();
  }

  /** Writes what is queued, then stops the writer; waits up to a second. */
  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write() {
    List<AccessLogLine> batch = new ArrayList<>(BATCH);
    StringBuilder text = new StringBuilder(16 * 1024);
    while (true) {
      try {
        AccessLogLine first = closed ? queue.poll() : queue.poll(1, TimeUnit.SECONDS);
        if (first != null) batch.add(first);
      } catch (InterruptedException e) {
        closed = true;
      }
      queue.drainTo(batch, BATCH - batch.size());
      if (!batch.isEmpty()) {
        for (AccessLogLine entry : batch) text.append(entry.toJson().encode()).append('\n');
        try {
          sink.accept(text.toString());
        } catch (RuntimeException e) {
          dropped.add(batch.size());
        }
        batch.clear();
        text.setLength(0);
      } else if (closed) {
        return;
      }
    }
  }

  /** Created on first use only, so that a process that never logs to stdout starts no thread. */
  private static final class Stdout {
    static final AccessLog LOG = new AccessLog(lines -> {
      System.out.print(lines);
      System.out.flush();
    }, DEFAULT_CAPACITY);
  }
}
