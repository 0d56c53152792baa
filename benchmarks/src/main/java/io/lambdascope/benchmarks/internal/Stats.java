package io.lambdascope.benchmarks.internal;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a sample: medians and spreads, never means (the machine is shared and noisy). */
public final class Stats {
  private final double[] sorted;

  private Stats(double[] values) {
    this.sorted = values.clone();
    Arrays.sort(this.sorted);
  }

  public static Stats of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    return new Stats(values);
  }

  public static Stats of(List<? extends Number> values) {
    double[] array = new double[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i).doubleValue();
    }
    return of(array);
  }

  public int count() {
    return sorted.length;
  }

  public double median() {
    return percentile(50);
  }

  public double min() {
    return sorted[0];
  }

  public double max() {
    return sorted[sorted.length - 1];
  }

  /** Linear interpolation between the closest ranks. */
  public double percentile(double p) {
    if (sorted.length == 1) {
      return sorted[0];
    }
    double rank = p / 100.0 * (sorted.length - 1);
    int low = (int) Math.floor(rank);
    int high = (int) Math.ceil(rank);
    return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
  }

  /** "p25–p75" of the sample, formatted with {@code digits} decimals. */
  public String iqr(int digits) {
    return Fmt.num(percentile(25), digits) + "–" + Fmt.num(percentile(75), digits);
  }

  /** "min–max" of the sample. */
  public String range(int digits) {
    return Fmt.num(min(), digits) + "–" + Fmt.num(max(), digits);
  }
}
