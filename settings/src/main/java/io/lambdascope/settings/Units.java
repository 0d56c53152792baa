package io.lambdascope.settings;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way durations and sizes are written: in settings, and in the emulator's functions files
 * and scenarios. A bare number is no duration, since some parts once read it as seconds and others
 * as milliseconds.
 */
public final class Units {
  /** What a duration looks like, for error messages and help. */
  public static final String DURATION_FORM = "a whole number and a unit, ms, s, m, h or d (250ms, 10s, 5m, 1h, 7d)";

  /** What a size looks like, for error messages and help. */
  public static final String SIZE_FORM = "a number of bytes, or a whole number and a unit, KiB, MiB or GiB (512KiB, 4MiB)";

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)(KiB|MiB|GiB)?");
  private static final long KIB = 1024;
  private static final long MIB = KIB * 1024;
  private static final long GIB = MIB * 1024;

  private Units() {}

  /**
   * Parses {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h} or {@code 7d}.
   *
   * @throws IllegalArgumentException showing the text and the expected form
   */
  public static Duration parseDuration(String text) {
    return parse(text, Units::duration, DURATION_FORM);
  }

  /** The shortest exact form: {@code 100ms}, {@code 10s}, {@code 90s}, {@code 1d}. */
  public static String formatDuration(Duration duration) {
    requireNonNull(duration, "duration");
    long ms = duration.toMillis();
    if (ms == 0 || ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  /**
   * Parses a number of bytes ({@code 1048576}) or a size with a binary unit ({@code 512KiB},
   * {@code 4MiB}, {@code 1GiB}).
   *
   * @throws IllegalArgumentException showing the text and the expected form
   */
  public static long parseSize(String text) {
    return parse(text, Units::size, SIZE_FORM);
  }

  /** The shortest exact form: {@code 4MiB}, {@code 1536KiB}, {@code 1000}. */
  public static String formatSize(long bytes) {
    if (bytes != 0 && bytes % GIB == 0) {
      return bytes / GIB + "GiB";
    }
    if (bytes != 0 && bytes % MIB == 0) {
      return bytes / MIB + "MiB";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "KiB";
    }
    return Long.toString(bytes);
  }

  private static <T> T parse(String text, Function<String, T> parser, String form) {
    String t = requireNonNull(text, "text").trim();
    try {
      return parser.apply(t);
    } catch (InvalidValue e) {
      throw new IllegalArgumentException("'" + t + "' " + e.getMessage() + "; expected " + form);
    }
  }

  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new InvalidValue(text.matches("\\d+") ? "has no unit" : "is not a duration");
    }
    try {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofDays(n);
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new InvalidValue("is too long");
    }
  }

  static long size(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new InvalidValue("is not a size");
    }
    try {
      long n = Long.parseLong(m.group(1));
      long unit = m.group(2) == null ? 1 : m.group(2).equals("KiB") ? KIB : m.group(2).equals("MiB") ? MIB : GIB;
      return Math.multiplyExact(n, unit);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new InvalidValue("is too large");
    }
  }

  /** A value that does not parse; the message says what is wrong with it, without repeating it. */
  static final class InvalidValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidValue(String problem) {
      super(problem, null, false, false);
    }
  }
}
