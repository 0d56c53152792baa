package io.lambdascope.processor.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins spans and platform reports per invocation, decides each invocation once, and adds it to
 * the aggregate stores. Everything it writes lives in state stores, so it commits atomically with
 * the input offsets (exactly-once) and is restored from the changelogs after a crash.
 */
final class TelemetryProcessor implements Processor<byte[], byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(TelemetryProcessor.class);
  private static final long MIB = 1L << 20;
  /** A function whose agent (or Telemetry API) has been silent this long no longer makes us wait. */
  private static final long SOURCE_SILENCE_MS = 3_600_000L;
  static final double NEAR_TIMEOUT_RATIO = 0.8;
  static final int MAX_LABEL_CHARS = 128;
  static final double NEAR_MEMORY_RATIO = 0.9;

  private final TelemetryTopology.Settings settings;
  private final PipelineMetrics pipeline;
  private final RecentInvocations recent;
  private ProcessorContext<Void, Void> context;
  /** Waits count from here at the earliest: restored entries get a full wait for their re-read other half. */
  private long initWallMs;
  private KeyValueStore<String, Pending> pending;
  private WindowStore<String, String> dedup;
  private WindowStore<String, Codec.FinalizedMarker> markers;
  private KeyValueStore<String, byte[]> series;
  private KeyValueStore<String, FunctionState> functions;
  private KeyValueStore<String, Long> labels;

  TelemetryProcessor(TelemetryTopology.Settings settings, PipelineMetrics pipeline, RecentInvocations recent) {
    this.settings = settings;
    this.pipeline = pipeline;
    this.recent = recent;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    pending = context.getStateStore(TelemetryTopology.PENDING_STORE);
    dedup = context.getStateStore(TelemetryTopology.DEDUP_STORE);
    markers = context.getStateStore(TelemetryTopology.MARKER_STORE);
    series = context.getStateStore(TelemetryTopology.SERIES_STORE);
    functions = context.getStateStore(TelemetryTopology.FUNCTION_STORE);
    labels = context.getStateStore(TelemetryTopology.LABEL_STORE);
    initWallMs = context.currentSystemTimeMs();
    context.schedule(settings.punctuateEvery(), PunctuationType.WALL_CLOCK_TIME, this::finalizeDue);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(m -> m.topic()).orElse(settings.spansTopic());
    pipeline.recordConsumed(topic);
    try {
      if (topic.equals(settings.logsTopic())) {
        for (PlatformEvent e : OtlpDecoder.decodeLogs(record.key(), record.value(), record.timestamp())) {
          String fn = foldFunction(e.function());
          onPlatformEvent(fn.equals(e.function()) ? e : e.withFunction(fn));
        }
      } else {
        for (SpanFragment s : OtlpDecoder.decodeSpans(record.key(), record.value(), record.timestamp())) {
          String fn = foldFunction(s.function());
          onSpan(fn.equals(s.function()) ? s : s.withFunction(fn));
        }
      }
    } catch (DecodeException e) {
      pipeline.decodeFailure(topic, e.reason(), e.getMessage());
    } catch (KafkaException e) {
      throw e; // Streams' own signals (task migrated, fenced, store errors): it knows how to recover
    } catch (RuntimeException e) {
      // Input we did not foresee must not kill the thread and replay the same record forever.
      pipeline.decodeFailure(topic, "processing_error", e.toString());
      log.debug("record skipped", e);
    }
  }

  private void onSpan(SpanFragment span) {
    long now = context.currentSystemTimeMs();
    FunctionState fs = function(span.function()).withSpanSeen(now, span.timeoutMs(), span.maxMemoryBytes());
    functions.put(span.function(), fs);
    if (span.droppedSpans() > 0) {
      add(MetricDefs.DROPPED_SPANS.seriesKey(span.function()), span.droppedSpans());
    }
    String key = span.invocationKey();
    Pending p = pending.get(key);
    if (p == null) {
      Codec.FinalizedMarker m = marker(key, span.recordTimestampMs());
      if (m != null && m.deliveryIds().contains(span.deliveryId())) {
        log.debug("late record of finalized invocation {} ignored", span.invocationId());
        return;
      }
      if (m != null && m.deliveryIds().isEmpty()) {
        // Decided from the platform report alone: the span is not counted again, but it carries the
        // dedup keys, which must still be remembered and checked.
        markers.put(key, new Codec.FinalizedMarker(List.of(span.deliveryId()), m.hadReport()), span.recordTimestampMs());
        String kind = checkDuplicates(span, span.recordTimestampMs());
        if (kind != null) {
          functions.put(span.function(), function(span.function()).count(now, settings.findingsWindow().toMillis(),
              -1, FunctionState.DUPLICATES));
        }
        return;
      }
      p = Pending.of(now);
    }
    p = p.withSpan(span);
    if (complete(p, fs, now, false)) {
      finalizeInvocation(key, p);
    } else {
      pending.put(key, p);
    }
  }

  private void onPlatformEvent(PlatformEvent e) {
    if (functions.get(e.function()) == null) {
      // Known from its first record on, whatever the event, so its counters are shown at 0.
      functions.put(e.function(), FunctionState.empty());
    }
    if (e.isThrottle()) {
      add(MetricDefs.THROTTLES.seriesKey(e.function()), 1);
      return;
    }
    if (!e.isReport()) {
      return;
    }
    if (e.invocationId() == null || e.invocationId().isEmpty()) {
      pipeline.decodeFailure(settings.logsTopic(), "missing_invocation_id", "platform.report without requestId");
      return;
    }
    long now = context.currentSystemTimeMs();
    FunctionState fs = function(e.function()).withReportSeen(now, e.memorySizeMb() > 0 ? e.memorySizeMb() * MIB : -1);
    functions.put(e.function(), fs);
    String key = e.invocationKey();
    Pending p = pending.get(key);
    if (p == null) {
      Codec.FinalizedMarker m = marker(key, e.recordTimestampMs());
      if (m != null && !m.hadReport()) {
        // The invocation was decided from its span alone; a report arriving after the wait adds nothing.
        markers.put(key, new Codec.FinalizedMarker(m.deliveryIds(), true), e.recordTimestampMs());
        return;
      }
      p = Pending.of(now);
    }
    p = p.withReport(e);
    if (complete(p, fs, now, false)) {
      finalizeInvocation(key, p);
    } else {
      pending.put(key, p);
    }
  }

  /** Whether nothing more is worth waiting for. */
  private boolean complete(Pending p, FunctionState fs, long now, boolean punctuating) {
    boolean hasAgent = fs.lastSpanMs() > 0 && now - fs.lastSpanMs() < SOURCE_SILENCE_MS;
    boolean hasReports = fs.lastReportMs() > 0 && now - fs.lastReportMs() < SOURCE_SILENCE_MS;
    if (p.hasReport() && (!p.spans().isEmpty() || !hasAgent)) {
      return true;
    }
    if (p.hasFinalSpan() && !hasReports) {
      return true;
    }
    if (!punctuating) {
      return false;
    }
    long age = now - Math.max(p.firstSeenWallMs(), initWallMs);
    if (p.hasFinalSpan() || p.hasReport()) {
      return age >= settings.reportWait().toMillis();
    }
    return age >= settings.timeoutGrace().toMillis();
  }

  private void finalizeDue(long now) {
    List<KeyValue<String, Pending>> due = new ArrayList<>();
    try (KeyValueIterator<String, Pending> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, Pending> kv = it.next();
        String function = InvocationKeys.split(kv.key)[0];
        if (complete(kv.value, function(function), now, true)) {
          due.add(kv);
        }
      }
    }
    for (KeyValue<String, Pending> kv : due) {
      finalizeInvocation(kv.key, kv.value);
    }
  }

  private void finalizeInvocation(String key, Pending p) {
    pending.delete(key);
    Invocation inv = Invocation.from(p);
    long ts = streamTime(p);
    List<String> ids = new ArrayList<>();
    for (SpanFragment s : p.spans()) {
      ids.add(s.deliveryId());
    }
    markers.put(key, new Codec.FinalizedMarker(List.copyOf(ids), p.hasReport()), ts);

    String fn = inv.function();
    add(MetricDefs.INVOCATIONS.seriesKey(fn, inv.trigger(), inv.outcome()), 1);
    if (inv.coldstart()) {
      add(MetricDefs.COLDSTARTS.seriesKey(fn), 1);
      if (!Double.isNaN(inv.initDurationSeconds())) {
        observe(MetricDefs.INIT_DURATION, inv.initDurationSeconds(), fn);
      }
    }
    if ("error".equals(inv.outcome())) {
      add(MetricDefs.ERRORS.seriesKey(fn, fold(fn, "error_type", inv.errorType())), 1);
    } else if ("timeout".equals(inv.outcome())) {
      add(MetricDefs.TIMEOUTS.seriesKey(fn), 1);
    }
    if (!Double.isNaN(inv.durationSeconds())) {
      observe(MetricDefs.INVOKE_DURATION, inv.durationSeconds(), fn);
    }
    SpanFragment span = p.bestSpan();
    String duplicateKind = null;
    if (span != null) {
      for (SpanFragment.DownstreamThrottle t : span.downstreamThrottles()) {
        add(MetricDefs.DOWNSTREAM_THROTTLES.seriesKey(
            fn, fold(fn, "service", t.service()), fold(fn, "operation", t.operation())), 1);
      }
      duplicateKind = checkDuplicates(span, ts);
    }
    FunctionState fs = function(fn);
    List<Integer> counts = new ArrayList<>();
    counts.add(FunctionState.INVOCATIONS);
    if (inv.coldstart()) {
      counts.add(FunctionState.COLDSTARTS);
    }
    long timeoutMs = inv.timeoutMs() > 0 ? inv.timeoutMs() : fs.timeoutMs();
    if ("timeout".equals(inv.outcome())) {
      counts.add(FunctionState.TIMEOUTS);
      counts.add(FunctionState.NEAR_TIMEOUT);
    } else if (timeoutMs > 0 && inv.durationSeconds() * 1000 >= NEAR_TIMEOUT_RATIO * timeoutMs) {
      counts.add(FunctionState.NEAR_TIMEOUT);
    }
    long maxMemory = inv.maxMemoryBytes() > 0 ? inv.maxMemoryBytes() : fs.maxMemoryBytes();
    if (maxMemory > 0 && inv.memoryBytes() >= NEAR_MEMORY_RATIO * maxMemory) {
      counts.add(FunctionState.NEAR_MEMORY_LIMIT);
    }
    if (duplicateKind != null) {
      counts.add(FunctionState.DUPLICATES);
    }
    functions.put(fn, fs.count(context.currentSystemTimeMs(), settings.findingsWindow().toMillis(),
        inv.memoryBytes(), counts.stream().mapToInt(Integer::intValue).toArray()));
    recent.add(duplicateKind == null ? inv : inv.withDuplicateKind(duplicateKind));
  }

  /** Remembers the span's dedup keys and counts those delivered before; returns the last kind found. */
  private String checkDuplicates(SpanFragment span, long ts) {
    String found = null;
    for (SpanFragment.DedupRecord r : span.records()) {
      String kind = duplicate(span.function(), span.deliveryId(), r, ts);
      if (kind != null) {
        add(MetricDefs.DUPLICATES.seriesKey(span.function(), kind), 1);
        found = kind;
      }
    }
    return found;
  }

  /** Returns the duplicate kind, or null for the first delivery of this key within the window. */
  private String duplicate(String function, String deliveryId, SpanFragment.DedupRecord r, long ts) {
    String key = InvocationKeys.join(function, r.source(), r.key());
    long from = Math.max(0, ts - settings.dedupWindow().toMillis());
    boolean seen = false;
    boolean other = false;
    try (WindowStoreIterator<String> it = dedup.fetch(key, from, Long.MAX_VALUE)) {
      while (it.hasNext()) {
        seen = true;
        if (!it.next().value.equals(deliveryId)) {
          other = true;
        }
      }
    }
    if (!seen) {
      dedup.put(key, deliveryId, ts);
      return null;
    }
    if (!other) {
      return null;
    }
    if ("lambda".equals(r.source())) {
      return "retry";
    }
    if (r.deliveryCount() > 1 || "kinesis".equals(r.source()) || "dynamodb".equals(r.source())) {
      return "redelivery";
    }
    return "replay";
  }

  private Codec.FinalizedMarker marker(String key, long ts) {
    List<String> ids = new ArrayList<>();
    boolean found = false;
    boolean hadReport = false;
    long from = Math.max(0, ts - TelemetryTopology.MARKER_RETENTION.toMillis());
    try (WindowStoreIterator<Codec.FinalizedMarker> it = markers.fetch(key, from, Long.MAX_VALUE)) {
      while (it.hasNext()) {
        Codec.FinalizedMarker m = it.next().value;
        found = true;
        ids.addAll(m.deliveryIds());
        hadReport |= m.hadReport();
      }
    }
    return found ? new Codec.FinalizedMarker(ids, hadReport) : null;
  }

  /**
   * Bounds the functions a task reports: past the limit, new names become {@code other}, so no
   * input can grow the series (or the function store) without bound.
   */
  private String foldFunction(String function) {
    return foldValue("", "function", function, settings.maxFunctions());
  }

  /** Folds a label value into {@code other} once the function has used up its distinct values. */
  private String fold(String function, String label, String value) {
    return foldValue(function, label, value, settings.maxLabelValues());
  }

  private String foldValue(String function, String label, String value, int max) {
    String v = value == null || value.isEmpty() ? "unknown" : sanitize(value);
    String valueKey = InvocationKeys.join(function, label, v);
    if (labels.get(valueKey) != null) {
      return v;
    }
    String countKey = InvocationKeys.join(function, label);
    Long count = labels.get(countKey);
    long n = count == null ? 0 : count;
    if (n >= max) {
      return "other";
    }
    labels.put(valueKey, 1L);
    labels.put(countKey, n + 1);
    return v;
  }

  /** Label values stay short and free of the store key separator. */
  private static String sanitize(String value) {
    String v = value.length() > MAX_LABEL_CHARS ? value.substring(0, MAX_LABEL_CHARS) : value;
    return v.indexOf(InvocationKeys.SEP) < 0 ? v : v.replace(InvocationKeys.SEP, ' ');
  }

  private FunctionState function(String name) {
    FunctionState fs = functions.get(name);
    return fs == null ? FunctionState.empty() : fs;
  }

  private void add(String seriesKey, long delta) {
    series.put(seriesKey, SeriesValues.counter(SeriesValues.counterValue(series.get(seriesKey)) + delta));
  }

  private void observe(MetricDefs metric, double value, String... labelValues) {
    String key = metric.seriesKey(labelValues);
    double[] bounds = metric.buckets();
    SeriesValues.Histogram h = SeriesValues.Histogram.decode(series.get(key), bounds.length);
    series.put(key, h.observe(value, bounds).encode());
  }

  private static long streamTime(Pending p) {
    long ts = 0;
    for (SpanFragment s : p.spans()) {
      ts = Math.max(ts, s.recordTimestampMs());
    }
    if (p.report() != null) {
      ts = Math.max(ts, p.report().recordTimestampMs());
    }
    return ts;
  }
}
