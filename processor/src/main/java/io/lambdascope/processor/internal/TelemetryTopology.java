package io.lambdascope.processor.internal;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * One sub-topology reading the spans and logs topics (co-partitioned by function), one processor,
 * and its state stores: the pending joins, the dedup window, the finalized markers, and the
 * aggregates that /metrics reads through interactive queries.
 */
public final class TelemetryTopology {
  public static final String PENDING_STORE = "pending-invocations";
  public static final String DEDUP_STORE = "dedup-keys";
  public static final String MARKER_STORE = "finalized-invocations";
  public static final String SERIES_STORE = "metric-series";
  public static final String FUNCTION_STORE = "functions";
  public static final String LABEL_STORE = "label-values";

  /** How long a finalized invocation absorbs late records (a late report, a late correction). */
  public static final Duration MARKER_RETENTION = Duration.ofHours(1);

  private TelemetryTopology() {}

  /** Knobs of the processing itself. */
  public record Settings(
      String spansTopic,
      String logsTopic,
      Duration dedupWindow,
      int maxLabelValues,
      int maxFunctions,
      Duration reportWait,
      Duration timeoutGrace,
      Duration findingsWindow,
      Duration punctuateEvery) {}

  public static Topology build(Settings settings, PipelineMetrics pipeline, RecentInvocations recent) {
    Topology t = new Topology();
    t.addSource("spans", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), settings.spansTopic());
    t.addSource("logs", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), settings.logsTopic());
    t.addProcessor("telemetry", () -> new TelemetryProcessor(settings, pipeline, recent), "spans", "logs");
    t.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.String(), Codec.PENDING), "telemetry");
    t.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(DEDUP_STORE, settings.dedupWindow(), Duration.ofMillis(1), false),
        Serdes.String(), Serdes.String()), "telemetry");
    t.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(MARKER_STORE, MARKER_RETENTION, Duration.ofMillis(1), false),
        Serdes.String(), Codec.MARKER), "telemetry");
    t.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(SERIES_STORE), Serdes.String(), Serdes.ByteArray())
        .withCachingEnabled(), "telemetry");
    t.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(FUNCTION_STORE), Serdes.String(), Codec.FUNCTION)
        .withCachingEnabled(), "telemetry");
    t.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(LABEL_STORE), Serdes.String(), Serdes.Long())
        .withCachingEnabled(), "telemetry");
    return t;
  }
}
