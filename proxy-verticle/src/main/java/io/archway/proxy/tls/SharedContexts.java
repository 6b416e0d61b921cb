package io.archway.proxy.tls;

import io.archway.core.tls.KeyMaterialException;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * TLS contexts shared by every proxy verticle of the process that asks for the same settings, files
 * and engine, counted by reference. Sharing is what lets a client resume its TLS session whichever
 * event loop takes its next connection (session tickets are sealed with keys of one context), and it
 * keeps one copy of each context instead of one per event loop.
 */
final class SharedContexts {

  /** Builds a value; blocking. */
  @FunctionalInterface
  interface Builder<T> {
    T build() throws KeyMaterialException, SSLException;
  }

  private static final class Entry {
    private final Object value;
    private int references;

    Entry(Object value) {
      this.value = value;
    }
  }

  private static final Map<Object, Entry> ENTRIES = new HashMap<>();

  private SharedContexts() {}

  /** The value for {@code key}, built now if no one holds one; pair with {@link #release}. */
  @SuppressWarnings("unchecked")
  static synchronized <T> T acquire(Object key, Builder<T> builder) throws KeyMaterialException, SSLException {
    Entry entry = ENTRIES.get(key);
    if (entry == null) {
      entry = new Entry(builder.build());
      ENTRIES.put(key, entry);
    }
    entry.references++;
    return (T) entry.value;
  }

  static synchronized void release(Object key) {
    Entry entry = ENTRIES.get(key);
    if (entry != null && --entry.references <= 0) ENTRIES.remove(key);
  }
}
