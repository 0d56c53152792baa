package io.lambdascope.benchmarks.internal;

import java.util.Locale;

/** Number formatting for the published tables. */
public final class Fmt {
  private Fmt() {}

  public static String num(double value, int digits) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%,." + digits + "f", value);
  }

  /** A ratio such as {@code 0.043 (1/23)}: the fraction reads better for small values. */
  public static String ratio(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "n/a";
    }
    if (value <= 0) {
      // The agent's added figure was at or below zero: smaller than the noise of this run.
      return String.format(Locale.ROOT, "%.3f (no measurable addition)", value);
    }
    if (value < 0.5) {
      return String.format(Locale.ROOT, "%.3f (1/%.0f)", value, 1 / value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
