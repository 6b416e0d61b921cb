package io.archway.core.config;

import java.util.List;

/**
 * Changes to the headers of a request or response, applied in this order: remove, set (replace every
 * value), add (one more value).
 */
public record HeaderRules(List<Header> set, List<Header> add, List<String> remove) {

  /** A header name and value. */
  public record Header(String name, String value) {}

  public HeaderRules {
    set = List.copyOf(set);
    add = List.copyOf(add);
    remove = List.copyOf(remove);
  }

  public static HeaderRules none() {
    return new HeaderRules(List.of(), List.of(), List.of());
  }

  public boolean isEmpty() {
    return set.isEmpty() && add.isEmpty() && remove.isEmpty();
  }
}
