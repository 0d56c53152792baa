package io.lambdascope.emulator.cloudwatch;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The emulator's CloudWatch: what its Lambda and SQS parts publish, kept as CloudWatch keeps metrics, one
 * aggregate (sum, sample count, minimum, maximum) per metric and {@code resolution} bucket, for {@code retention}.
 * A metric is its namespace, name and exact set of dimensions; statistics over a period are computed from the
 * buckets in it, as CloudWatch aggregates its stored data points.
 */
public final class MetricStore {
  /** A metric's identity; dimensions sorted by name, as CloudWatch treats them as a set. */
  public record MetricId(String namespace, String name, List<Dimension> dimensions) {
    public MetricId {
      requireNonNull(namespace, "namespace");
      requireNonNull(name, "name");
      dimensions = dimensions.stream().sorted(Comparator.comparing(Dimension::name)).toList();
    }
  }

  public record Dimension(String name, String value) {
    public Dimension {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
    }
  }

  /** A ListMetrics filter: a dimension's name, and its value or null for any value. */
  public record DimensionFilter(String name, String value) {
    public DimensionFilter {
      requireNonNull(name, "name");
    }
  }

  /** Statistics over one period; {@code timestamp} is the period's start (epoch milliseconds). */
  public record Datapoint(long timestamp, double sum, long sampleCount, double minimum, double maximum, String unit) {
    public double average() {
      return sum / sampleCount;
    }
  }

  private static final class Bucket {
    double sum;
    long count;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;

    synchronized void add(double value) {
      sum += value;
      count++;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }

  private record Series(String unit, ConcurrentSkipListMap<Long, Bucket> buckets) {}

  private final long resolutionMs;
  private final long retentionMs;
  private final Map<MetricId, Series> series = new ConcurrentHashMap<>();

  public MetricStore(Duration resolution, Duration retention) {
    this.resolutionMs = requireNonNull(resolution, "resolution").toMillis();
    this.retentionMs = requireNonNull(retention, "retention").toMillis();
    if (resolutionMs < 1000 || (resolutionMs % 1000) != 0) {
      throw new IllegalArgumentException("resolution must be whole seconds, at least 1s: " + resolution);
    }
    if (retentionMs < resolutionMs) {
      throw new IllegalArgumentException("retention must be at least the resolution");
    }
  }

  /** How finely data points are stored: periods are multiples of it. */
  public Duration resolution() {
    return Duration.ofMillis(resolutionMs);
  }

  /** Records one value of a metric at {@code timeMs} (epoch milliseconds). */
  public void publish(MetricId metric, double value, String unit, long timeMs) {
    Series s = series.computeIfAbsent(metric, m -> new Series(unit, new ConcurrentSkipListMap<>()));
    long bucket = Math.floorDiv(timeMs, resolutionMs) * resolutionMs;
    s.buckets().computeIfAbsent(bucket, b -> new Bucket()).add(value);
    s.buckets().headMap(timeMs - retentionMs).clear();
  }

  /**
   * Metrics of {@code namespace} (any when null) named {@code name} (any when null) that have every dimension of
   * {@code filters} (a filter with a null value matches any value), with data since {@code activeSinceMs}.
   */
  public List<MetricId> list(String namespace, String name, List<DimensionFilter> filters, long activeSinceMs) {
    List<MetricId> out = new ArrayList<>();
    series.forEach((id, s) -> {
      if ((namespace == null || namespace.equals(id.namespace())) && (name == null || name.equals(id.name()))
          && matches(id, filters) && !s.buckets().tailMap(activeSinceMs - resolutionMs).isEmpty()) {
        out.add(id);
      }
    });
    out.sort(Comparator.comparing((MetricId m) -> m.namespace()).thenComparing(MetricId::name)
        .thenComparing(m -> m.dimensions().toString()));
    return out;
  }

  private static boolean matches(MetricId id, List<DimensionFilter> filters) {
    for (DimensionFilter f : filters) {
      boolean found = false;
      for (Dimension d : id.dimensions()) {
        if (d.name().equals(f.name()) && (f.value() == null || f.value().equals(d.value()))) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /**
   * One data point per period of {@code periodMs} that starts at or after {@code startMs} (rounded down to the
   * resolution, as CloudWatch rounds StartTime) and before {@code endMs}, and holds data; oldest first. As in
   * CloudWatch, {@code endMs} bounds the periods' start times: the last period aggregates all of its data.
   */
  public List<Datapoint> statistics(MetricId metric, long startMs, long endMs, long periodMs) {
    Series s = series.get(metric);
    List<Datapoint> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    long start = Math.floorDiv(startMs, resolutionMs) * resolutionMs;
    for (long from = start; from < endMs; from += periodMs) {
      double sum = 0;
      long count = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (Bucket b : s.buckets().subMap(from, from + periodMs).values()) {
        synchronized (b) {
          sum += b.sum;
          count += b.count;
          min = Math.min(min, b.min);
          max = Math.max(max, b.max);
        }
      }
      if (count > 0) {
        out.add(new Datapoint(from, sum, count, min, max, s.unit()));
      }
    }
    return out;
  }
}
