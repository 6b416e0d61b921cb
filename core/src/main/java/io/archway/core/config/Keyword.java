package io.archway.core.config;

/** An enum value spelled in the config as a lower-case keyword, which this version may not implement yet. */
public interface Keyword {

  /** The spelling in the config file, such as {@code round-robin}. */
  String keyword();

  /** Whether this version implements it; an unimplemented keyword is a validation error, not a no-op. */
  boolean supported();
}
