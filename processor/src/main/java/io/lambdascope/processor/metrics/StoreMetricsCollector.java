package io.lambdascope.processor.metrics;

import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.dlq.DlqWatcher;
import io.lambdascope.processor.findings.Finding;
import io.lambdascope.processor.findings.Findings;
import io.lambdascope.processor.state.ConcurrencyWindows;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.Histogram;
import io.lambdascope.processor.state.PublishedFunctions;
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
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Exposes the functions' committed state as Prometheus metrics at scrape time: what each active task
 * published after its last committed transaction (never a count a crash could take back), DLQ gauges
 * from the watcher, and findings. Each known function shows its counters whose labels are known in
 * advance at 0 until they count something: Prometheus' rate() and increase() cannot see the first
 * increment of a series that appears at 1.
 */
public final class StoreMetricsCollector implements MultiCollector {
  private static final Comparator<FunctionId> ORDER = Comparator.comparing(FunctionId::tenant)
      .thenComparing(FunctionId::account).thenComparing(FunctionId::region).thenComparing(FunctionId::name);

  private final PublishedFunctions published;
  private final Supplier<DlqWatcher.Snapshot> dlq;
  private final Clock clock;
  private final long findingsWindowMs;
  private final CostSettings cost;

  /** With the default concurrency window, architecture and prices. */
  public StoreMetricsCollector(PublishedFunctions published, Supplier<DlqWatcher.Snapshot> dlq, Clock clock,
      long findingsWindowMs) {
    this(published, dlq, clock, findingsWindowMs, ProcessorConfig.defaultCost());
  }

  public StoreMetricsCollector(PublishedFunctions published, Supplier<DlqWatcher.Snapshot> dlq, Clock clock,
      long findingsWindowMs, CostSettings cost) {
    this.published = published;
    this.dlq = dlq;
    this.clock = clock;
    this.findingsWindowMs = findingsWindowMs;
    this.cost = cost;
  }

  @Override
  public MetricSnapshots collect() {
    Map<FunctionId, FunctionState> functions = functions();
    Map<MetricDefs, List<CounterSnapshot.CounterDataPointSnapshot>> counters = new EnumMap<>(MetricDefs.class);
    Map<MetricDefs, List<HistogramSnapshot.HistogramDataPointSnapshot>> histograms = new EnumMap<>(MetricDefs.class);
    Map<MetricDefs, List<GaugeSnapshot.GaugeDataPointSnapshot>> gauges = new EnumMap<>(MetricDefs.class);
    long now = clock.millis();
    functions.forEach((id, fs) -> {
      String[] identity = {id.tenant(), id.account(), id.region(), id.name()};
      for (int t = 0; t < FunctionState.TRIGGERS.size(); t++) {
        if (fs.triggerSeen(t)) {
          for (int o = 0; o < FunctionState.OUTCOMES.size(); o++) {
            counter(counters, MetricDefs.INVOCATIONS, identity, fs.invocations(t, o),
                FunctionState.TRIGGERS.get(t), FunctionState.OUTCOMES.get(o));
          }
        }
      }
      for (int i = 0; i < FunctionState.INIT_TYPES.size(); i++) {
        counter(counters, MetricDefs.COLDSTARTS, identity, fs.coldstarts(i), FunctionState.INIT_TYPES.get(i));
      }
      fs.errors().forEach((k, v) -> counter(counters, MetricDefs.ERRORS, identity, v[0], k.first(), k.second()));
      counter(counters, MetricDefs.TIMEOUTS, identity, fs.timeouts());
      counter(counters, MetricDefs.THROTTLES, identity, fs.throttles());
      fs.downstreamThrottles().forEach((k, v) ->
          counter(counters, MetricDefs.DOWNSTREAM_THROTTLES, identity, v[0], k.first(), k.second()));
      for (int i = 0; i < FunctionState.DUPLICATE_KINDS.size(); i++) {
        counter(counters, MetricDefs.DUPLICATES, identity, fs.duplicates(i), FunctionState.DUPLICATE_KINDS.get(i));
      }
      counter(counters, MetricDefs.DROPPED_SPANS, identity, fs.droppedSpans());
      counter(counters, MetricDefs.DROPPED_EVENTS, identity, fs.droppedEvents());
      counter(counters, MetricDefs.UNINSTRUMENTED, identity, fs.uninstrumented());
      fs.initFailures().forEach((k, v) -> counter(counters, MetricDefs.INIT_FAILURES, identity, v[0], k));
      counter(counters, MetricDefs.BILLED_DURATION, identity, fs.billedDurationMs() / 1000.0);
      counter(counters, MetricDefs.TIMEOUT_BILLED, identity, fs.timeoutBilledMs() / 1000.0);
      int arch = cost.architecture(fs);
      for (int a = 0; a < FunctionState.ARCHITECTURES.size(); a++) {
        if (a == arch || fs.architectureUsed(a)) {
          String architecture = FunctionState.ARCHITECTURES.get(a);
          counter(counters, MetricDefs.GB_SECONDS, identity, fs.gbSeconds(a), architecture);
          for (int c = 0; c < FunctionState.COST_COMPONENTS.size(); c++) {
            counter(counters, MetricDefs.COST, identity, fs.costUsd(a, c), architecture,
                FunctionState.COST_COMPONENTS.get(c));
          }
        }
      }

      histogram(histograms, MetricDefs.INVOKE_DURATION, identity, fs.invokeDuration());
      for (int i = 0; i < FunctionState.INIT_TYPES.size(); i++) {
        histogram(histograms, MetricDefs.INIT_DURATION, identity, fs.initDuration(i), FunctionState.INIT_TYPES.get(i));
      }
      histogram(histograms, MetricDefs.RESTORE_DURATION, identity, fs.restoreDuration());
      histogram(histograms, MetricDefs.DURATION_TIMEOUT_RATIO, identity, fs.timeoutRatio());
      histogram(histograms, MetricDefs.MEMORY_LIMIT_RATIO, identity, fs.memoryRatio());

      if (fs.lastMemoryBytes() > 0) {
        gauge(gauges, MetricDefs.MEM_USAGE, identity, fs.lastMemoryBytes());
      }
      if (fs.maxMemoryBytes() > 0) {
        gauge(gauges, MetricDefs.MAX_MEMORY, identity, fs.maxMemoryBytes());
      }
      if (fs.timeoutMs() > 0) {
        gauge(gauges, MetricDefs.TIMEOUT, identity, fs.timeoutMs() / 1000.0);
      }
      ConcurrencyWindows.Figures window =
          fs.concurrency().lastComplete(now, cost.concurrencyLateness().toMillis());
      if (window != null) {
        gauge(gauges, MetricDefs.CONCURRENCY_MAX, identity, window.max());
        gauge(gauges, MetricDefs.CONCURRENCY_AVG, identity, window.average());
      }
    });
    prices(gauges);

    DlqWatcher.Snapshot dlqSnapshot = dlq.get();
    Set<String> seen = new HashSet<>();
    for (Finding f : Findings.evaluate(functions, dlqSnapshot, clock.millis(), findingsWindowMs)) {
      FunctionId id = f.id();
      if (seen.add(id + "\u0000" + f.kind())) {
        gauge(gauges, MetricDefs.FINDING, new String[] {id.tenant(), id.account(), id.region(), id.name()}, 1,
            f.kind());
      }
    }

    List<MetricSnapshot> out = new ArrayList<>();
    counters.forEach((def, points) -> {
      CounterSnapshot.Builder b = CounterSnapshot.builder().name(def.modelName()).help(def.help());
      points.forEach(b::dataPoint);
      out.add(b.build());
    });
    histograms.forEach((def, points) -> {
      HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(def.modelName()).help(def.help());
      points.forEach(b::dataPoint);
      out.add(b.build());
    });
    gauges.forEach((def, points) -> {
      GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(def.modelName()).help(def.help());
      points.forEach(b::dataPoint);
      out.add(b.build());
    });
    return new MetricSnapshots(out);
  }

  /** The configured prices, for dashboards and recording rules to price with. */
  private void prices(Map<MetricDefs, List<GaugeSnapshot.GaugeDataPointSnapshot>> gauges) {
    List<GaugeSnapshot.GaugeDataPointSnapshot> points = gauges.computeIfAbsent(MetricDefs.PRICE, d -> new ArrayList<>());
    for (int a = 0; a < FunctionState.ARCHITECTURES.size(); a++) {
      for (int c = 0; c <= FunctionState.COST_COMPONENTS.size(); c++) {
        boolean allocation = c == FunctionState.COST_COMPONENTS.size();
        points.add(GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .labels(Labels.of("component",
                allocation ? CostSettings.PROVISIONED_CONCURRENCY : FunctionState.COST_COMPONENTS.get(c),
                "architecture", FunctionState.ARCHITECTURES.get(a), "read_on", cost.pricesReadOn()))
            .value(allocation ? cost.provisionedConcurrencyUsdPerGbSecond()[a] : cost.price(a, c))
            .build());
      }
    }
  }

  /** Findings for /api/findings, from the same state as the metric. */
  public List<Finding> findings() {
    return Findings.evaluate(functions(), dlq.get(), clock.millis(), findingsWindowMs);
  }

  private Map<FunctionId, FunctionState> functions() {
    Map<FunctionId, FunctionState> functions = new TreeMap<>(ORDER);
    published.forEach(functions::put);
    return functions;
  }

  private static Labels labels(MetricDefs def, String[] identity, String[] extra) {
    String[] names = new String[identity.length + extra.length];
    String[] values = new String[names.length];
    for (int i = 0; i < identity.length; i++) {
      names[i] = MetricDefs.IDENTITY.get(i);
      values[i] = identity[i];
    }
    for (int i = 0; i < extra.length; i++) {
      names[identity.length + i] = def.labels().get(i);
      values[identity.length + i] = extra[i] == null ? "" : extra[i];
    }
    return Labels.of(names, values);
  }

  private static void counter(Map<MetricDefs, List<CounterSnapshot.CounterDataPointSnapshot>> out, MetricDefs def,
      String[] identity, double value, String... extra) {
    out.computeIfAbsent(def, d -> new ArrayList<>()).add(CounterSnapshot.CounterDataPointSnapshot.builder()
        .labels(labels(def, identity, extra)).value(value).build());
  }

  private static void histogram(Map<MetricDefs, List<HistogramSnapshot.HistogramDataPointSnapshot>> out,
      MetricDefs def, String[] identity, Histogram h, String... extra) {
    if (h == null) {
      return;
    }
    double[] bounds = Arrays.copyOf(def.buckets(), def.buckets().length + 1);
    bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
    out.computeIfAbsent(def, d -> new ArrayList<>()).add(HistogramSnapshot.HistogramDataPointSnapshot.builder()
        .labels(labels(def, identity, extra))
        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, h.buckets()))
        .sum(h.sum())
        .build());
  }

  private static void gauge(Map<MetricDefs, List<GaugeSnapshot.GaugeDataPointSnapshot>> out, MetricDefs def,
      String[] identity, double value, String... extra) {
    out.computeIfAbsent(def, d -> new ArrayList<>()).add(GaugeSnapshot.GaugeDataPointSnapshot.builder()
        .labels(labels(def, identity, extra)).value(value).build());
  }
}
