package io.archway.core.store;

/** A write named a listener, pool or certificate that the current config does not have. */
public final class EntryNotFoundException extends RuntimeException {

  public EntryNotFoundException(String section, String name, long version) {
    super("config version " + version + " has no " + section.substring(0, section.length() - 1)
        + " named '" + name + "'");
  }
}
