package io.archway.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as operators write them: a number of bytes, or with {@code KiB}, {@code MiB} or {@code GiB}. */
public final class ByteSizes {

  private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");

  private ByteSizes() {}

  /** Parses a size in bytes, or throws {@link IllegalArgumentException} saying what is accepted. */
  public static long parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (a whole number of bytes, or with KiB, MiB or GiB, such as 100MiB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    return switch (unit) {
      case "KiB" -> n << 10;
      case "MiB" -> n << 20;
      case "GiB" -> n << 30;
      default -> n;
    };
  }
}
