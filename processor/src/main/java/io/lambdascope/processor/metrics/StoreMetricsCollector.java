package io.lambdascope.processor.metrics;

import io.lambdascope.processor.dlq.DlqWatcher;
import io.lambdascope.processor.findings.Finding;
import io.lambdascope.processor.findings.Findings;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.StoreKeys;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Exposes the aggregate stores as Prometheus metrics at scrape time: counters and histograms from
 * the series store, gauges from the function store, and findings (with the DLQ watcher's source queues).
 */
public final class StoreMetricsCollector implements MultiCollector {
  private final StateView state;
  private final Supplier<DlqWatcher.Snapshot> dlq;
  private final Clock clock;
  private final long findingsWindowMs;

  public StoreMetricsCollector(StateView state, Supplier<DlqWatcher.Snapshot> dlq, Clock clock, long findingsWindowMs) {
    this.state = state;
    this.dlq = dlq;
    this.clock = clock;
    this.findingsWindowMs = findingsWindowMs;
  }

  @Override
  public MetricSnapshots collect() {
    Map<MetricDefs, Map<String, long[]>> counters = new EnumMap<>(MetricDefs.class);
    Map<MetricDefs, Map<String, SeriesValues.Histogram>> histograms = new EnumMap<>(MetricDefs.class);
    state.forEachSeries((key, value) -> {
      int sep = key.indexOf(StoreKeys.SEP);
      MetricDefs def;
      try {
        def = MetricDefs.valueOf(sep < 0 ? key : key.substring(0, sep));
      } catch (IllegalArgumentException e) {
        return; // written by a newer version
      }
      if (def.type() == MetricDefs.Type.COUNTER) {
        counters.computeIfAbsent(def, d -> new TreeMap<>())
            .computeIfAbsent(key, k -> new long[1])[0] += SeriesValues.counterValue(value);
      } else {
        SeriesValues.Histogram h = SeriesValues.Histogram.decode(value, def.buckets().length);
        histograms.computeIfAbsent(def, d -> new TreeMap<>()).merge(key, h, SeriesValues.Histogram::plus);
      }
    });
    Map<String, FunctionState> functions = new TreeMap<>();
    state.forEachFunction(functions::put);
    addZeroSeries(counters, functions.keySet());
    List<MetricSnapshot> out = new ArrayList<>();
    counters.forEach((def, series) -> {
      CounterSnapshot.Builder b = CounterSnapshot.builder().name(def.modelName()).help(def.help());
      series.forEach((key, v) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
          .labels(labels(def, key)).value(v[0]).build()));
      out.add(b.build());
    });
    histograms.forEach((def, series) -> {
      HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(def.modelName()).help(def.help());
      double[] bounds = Arrays.copyOf(def.buckets(), def.buckets().length + 1);
      bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
      series.forEach((key, h) -> b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
          .labels(labels(def, key))
          .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, h.bucketCounts()))
          .sum(h.sum())
          .build()));
      out.add(b.build());
    });

    GaugeSnapshot.Builder mem = gauge("faas_mem_usage_bytes", "Peak memory of the function's most recent invocation");
    GaugeSnapshot.Builder maxMem = gauge("faas_max_memory_bytes", "Configured memory");
    GaugeSnapshot.Builder timeout = gauge("faas_timeout_seconds", "Configured timeout");
    int[] n = new int[3];
    functions.forEach((fn, fs) -> {
      Labels l = Labels.of("function", fn);
      if (fs.lastMemoryBytes() > 0) {
        mem.dataPoint(point(l, fs.lastMemoryBytes()));
        n[0]++;
      }
      if (fs.maxMemoryBytes() > 0) {
        maxMem.dataPoint(point(l, fs.maxMemoryBytes()));
        n[1]++;
      }
      if (fs.timeoutMs() > 0) {
        timeout.dataPoint(point(l, fs.timeoutMs() / 1000.0));
        n[2]++;
      }
    });
    addIf(out, mem, n[0]);
    addIf(out, maxMem, n[1]);
    addIf(out, timeout, n[2]);

    // The DLQ gauges are the watcher's own (dlq.DlqMetrics); its snapshot feeds the findings here.
    List<Finding> findings = Findings.evaluate(functions, dlq.get(), clock.millis(), findingsWindowMs);
    GaugeSnapshot.Builder finding = gauge("lambdascope_finding", "1 while a finding holds");
    Map<String, Boolean> seen = new HashMap<>();
    for (Finding f : findings) {
      if (seen.putIfAbsent(f.function() + "\u0000" + f.kind(), true) == null) {
        finding.dataPoint(point(Labels.of("function", f.function(), "kind", f.kind()), 1));
      }
    }
    addIf(out, finding, seen.size());
    return new MetricSnapshots(out);
  }

  /** Findings for /api/findings, from the same state as the metric. */
  public List<Finding> findings() {
    Map<String, FunctionState> functions = new TreeMap<>();
    state.forEachFunction(functions::put);
    return Findings.evaluate(functions, dlq.get(), clock.millis(), findingsWindowMs);
  }

  /**
   * Shows each known function's counters without free-form labels at 0 until they count something:
   * Prometheus' rate() and increase() cannot see the first increment of a series that appears at 1.
   * Derived from what this replica's stores hold (functions, triggers counted), so the zeros live on
   * the replica that owns the function, and nothing extra is written.
   */
  private static void addZeroSeries(Map<MetricDefs, Map<String, long[]>> counters, Set<String> knownFunctions) {
    Set<String> fns = new TreeSet<>(knownFunctions);
    // A function with series but no function state (written by an older version) is known too.
    counters.values().forEach(series -> series.keySet().forEach(key -> {
      String[] parts = StoreKeys.split(key);
      if (parts.length > 1) {
        fns.add(parts[1]);
      }
    }));
    for (String fn : fns) {
      for (MetricDefs def : MetricDefs.PER_FUNCTION_COUNTERS) {
        zero(counters, def, def.seriesKey(fn));
      }
      for (String kind : MetricDefs.DUPLICATE_KINDS) {
        zero(counters, MetricDefs.DUPLICATES, MetricDefs.DUPLICATES.seriesKey(fn, kind));
      }
    }
    Map<String, long[]> invocations = counters.get(MetricDefs.INVOCATIONS);
    if (invocations != null) {
      for (String key : List.copyOf(invocations.keySet())) {
        String[] parts = StoreKeys.split(key);
        if (parts.length == 4) {
          for (String outcome : MetricDefs.OUTCOMES) {
            zero(counters, MetricDefs.INVOCATIONS, MetricDefs.INVOCATIONS.seriesKey(parts[1], parts[2], outcome));
          }
        }
      }
    }
  }

  private static void zero(Map<MetricDefs, Map<String, long[]>> counters, MetricDefs def, String seriesKey) {
    counters.computeIfAbsent(def, d -> new TreeMap<>()).putIfAbsent(seriesKey, new long[1]);
  }

  private static GaugeSnapshot.Builder gauge(String name, String help) {
    return GaugeSnapshot.builder().name(name).help(help);
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static void addIf(List<MetricSnapshot> out, GaugeSnapshot.Builder b, int points) {
    if (points > 0) {
      out.add(b.build());
    }
  }

  private static Labels labels(MetricDefs def, String seriesKey) {
    String[] parts = StoreKeys.split(seriesKey);
    String[] names = def.labelNames();
    String[] values = Arrays.copyOfRange(parts, 1, parts.length);
    if (values.length != names.length) {
      values = Arrays.copyOf(values, names.length);
      for (int i = 0; i < values.length; i++) {
        values[i] = values[i] == null ? "" : values[i];
      }
    }
    return Labels.of(names, values);
  }

}
