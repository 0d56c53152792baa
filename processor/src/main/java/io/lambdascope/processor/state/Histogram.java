package io.lambdascope.processor.state;

import java.util.Arrays;

/** A classic histogram's sum, count and one count per bucket (not cumulative; the last is +Inf). */
public final class Histogram {
  private double sum;
  private long count;
  private final long[] buckets;

  public Histogram(int bounds) {
    this.buckets = new long[bounds + 1];
  }

  private Histogram(double sum, long count, long[] buckets) {
    this.sum = sum;
    this.count = count;
    this.buckets = buckets;
  }

  public void observe(double value, double[] upperBounds) {
    int i = 0;
    while (i < upperBounds.length && value > upperBounds[i]) {
      i++;
    }
    buckets[i]++;
    count++;
    sum += value;
  }

  public double sum() {
    return sum;
  }

  public long count() {
    return count;
  }

  /** Per-bucket counts, +Inf last. Not to be changed. */
  public long[] buckets() {
    return buckets;
  }

  public Histogram copy() {
    return new Histogram(sum, count, buckets.clone());
  }

  /** Adds another histogram of the same buckets into this one. */
  public void add(Histogram other) {
    sum += other.sum;
    count += other.count;
    for (int i = 0; i < buckets.length && i < other.buckets.length; i++) {
      buckets[i] += other.buckets[i];
    }
  }

  void write(Bin.Writer w) {
    w.f64(sum).var(count).var(buckets.length);
    for (long b : buckets) {
      w.var(b);
    }
  }

  static Histogram read(Bin.Reader r, int bounds) {
    double sum = r.f64();
    long count = r.var();
    int n = r.varInt();
    long[] buckets = new long[bounds + 1];
    for (int i = 0; i < n; i++) {
      long b = r.var();
      if (i < buckets.length) {
        buckets[i] = b;
      }
    }
    return new Histogram(sum, count, buckets);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h && h.sum == sum && h.count == count && Arrays.equals(h.buckets, buckets);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(buckets);
  }
}
