package io.archway.proxy.http;

import io.archway.core.config.HeaderRules;
import io.vertx.core.MultiMap;

/** Applies a route's header rules to a request or response: remove, then set, then add. */
final class HeaderEdits {

  private HeaderEdits() {}

  static void apply(HeaderRules rules, MultiMap headers) {
    if (rules.isEmpty()) return;
    rules.remove().forEach(headers::remove);
    rules.set().forEach(h -> headers.set(h.name(), h.value()));
    rules.add().forEach(h -> headers.add(h.name(), h.value()));
  }
}
