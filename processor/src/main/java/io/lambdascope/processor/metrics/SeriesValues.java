package io.lambdascope.processor.metrics;

import java.nio.ByteBuffer;

/**
 * Encodings of series store values: a counter is one long; a histogram is its sum, its count and
 * one (non-cumulative) count per bucket, the last for +Inf.
 */
public final class SeriesValues {
  private SeriesValues() {}

  public static byte[] counter(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  public static long counterValue(byte[] bytes) {
    return bytes == null ? 0 : ByteBuffer.wrap(bytes).getLong();
  }

  /** A histogram snapshot decoded from the store. */
  public record Histogram(double sum, long count, long[] bucketCounts) {
    public static Histogram empty(int buckets) {
      return new Histogram(0, 0, new long[buckets + 1]);
    }

    public Histogram observe(double value, double[] upperBounds) {
      long[] next = bucketCounts.clone();
      int i = 0;
      while (i < upperBounds.length && value > upperBounds[i]) {
        i++;
      }
      next[i]++;
      return new Histogram(sum + value, count + 1, next);
    }

    public Histogram plus(Histogram other) {
      long[] next = bucketCounts.clone();
      for (int i = 0; i < next.length && i < other.bucketCounts.length; i++) {
        next[i] += other.bucketCounts[i];
      }
      return new Histogram(sum + other.sum, count + other.count, next);
    }

    public byte[] encode() {
      ByteBuffer b = ByteBuffer.allocate(16 + 8 * bucketCounts.length);
      b.putDouble(sum).putLong(count);
      for (long c : bucketCounts) {
        b.putLong(c);
      }
      return b.array();
    }

    public static Histogram decode(byte[] bytes, int buckets) {
      if (bytes == null) {
        return empty(buckets);
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      double sum = b.getDouble();
      long count = b.getLong();
      long[] counts = new long[buckets + 1];
      for (int i = 0; i < counts.length && b.remaining() >= 8; i++) {
        counts[i] = b.getLong();
      }
      return new Histogram(sum, count, counts);
    }
  }
}
