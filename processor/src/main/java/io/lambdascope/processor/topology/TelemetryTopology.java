package io.lambdascope.processor.topology;

import io.lambdascope.processor.decode.DecodeProcessor;
import io.lambdascope.processor.decode.InvocationSpanDecoder;
import io.lambdascope.processor.decode.PlatformEventDecoder;
import io.lambdascope.processor.dedup.DedupKeys;
import io.lambdascope.processor.dedup.DuplicateDetector;
import io.lambdascope.processor.findings.FindingsWindowProcessor;
import io.lambdascope.processor.http.RecentInvocations;
import io.lambdascope.processor.http.RecentInvocationsProcessor;
import io.lambdascope.processor.http.TenantLearner;
import io.lambdascope.processor.join.FinalizedInvocations;
import io.lambdascope.processor.join.InvocationJoinProcessor;
import io.lambdascope.processor.join.JoinCodec;
import io.lambdascope.processor.join.PendingInvocations;
import io.lambdascope.processor.metrics.InvocationMetricsProcessor;
import io.lambdascope.processor.metrics.MetricSeries;
import io.lambdascope.processor.metrics.PipelineMetrics;
import io.lambdascope.processor.metrics.RecordMetricsProcessor;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionRegistryProcessor;
import io.lambdascope.processor.state.LabelBounds;
import io.lambdascope.processor.state.StoreCodec;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology: one sub-topology reading the spans and logs topics (co-partitioned by
 * function, so a function's spans and platform events meet in one task), a chain of small
 * processors, and the state stores they share. Everything written goes to changelogged stores, so
 * it commits atomically with the input offsets (exactly-once) and is restored after a crash.
 *
 * <pre>
 * spans ─ decode-spans ┐
 * logs ── decode-logs ─┴─ register-functions ─ count-records ─ join-invocations
 *   ─ detect-duplicates ─ count-invocations ─ count-findings-window ─ remember-recent
 * spans, logs ─ learn-tenants (beside the chain)
 * </pre>
 *
 * Store names are their changelog topics' names ({@code <application id>-<store>-changelog}) and
 * their directories on disk: renaming one loses its state on the next start.
 */
public final class TelemetryTopology {
  public static final String SPANS_SOURCE = "spans";
  public static final String LOGS_SOURCE = "logs";
  public static final String DECODE_SPANS = "decode-spans";
  public static final String DECODE_LOGS = "decode-logs";
  public static final String REGISTER_FUNCTIONS = "register-functions";
  public static final String COUNT_RECORDS = "count-records";
  public static final String JOIN_INVOCATIONS = "join-invocations";
  public static final String DETECT_DUPLICATES = "detect-duplicates";
  public static final String COUNT_INVOCATIONS = "count-invocations";
  public static final String COUNT_FINDINGS_WINDOW = "count-findings-window";
  public static final String REMEMBER_RECENT = "remember-recent";
  public static final String LEARN_TENANTS = "learn-tenants";

  private TelemetryTopology() {}

  public static Topology build(TopologySettings settings, PipelineMetrics pipeline, RecentInvocations recent) {
    Topology t = new Topology();
    t.addSource(SPANS_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        settings.spansTopic());
    t.addSource(LOGS_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        settings.logsTopic());
    t.addProcessor(DECODE_SPANS,
        () -> new DecodeProcessor(settings.spansTopic(), InvocationSpanDecoder::decode, pipeline), SPANS_SOURCE);
    t.addProcessor(DECODE_LOGS,
        () -> new DecodeProcessor(settings.logsTopic(), PlatformEventDecoder::decode, pipeline), LOGS_SOURCE);
    t.addProcessor(REGISTER_FUNCTIONS,
        () -> new FunctionRegistryProcessor(settings.maxFunctions(), settings.maxLabelValues()),
        DECODE_SPANS, DECODE_LOGS);
    t.addProcessor(COUNT_RECORDS, RecordMetricsProcessor::new, REGISTER_FUNCTIONS);
    t.addProcessor(JOIN_INVOCATIONS, () -> new InvocationJoinProcessor(settings.logsTopic(), settings.reportWait(),
        settings.timeoutGrace(), settings.punctuateEvery(), pipeline), COUNT_RECORDS);
    t.addProcessor(DETECT_DUPLICATES, () -> new DuplicateDetector(settings.dedupWindow()), JOIN_INVOCATIONS);
    t.addProcessor(COUNT_INVOCATIONS,
        () -> new InvocationMetricsProcessor(settings.maxFunctions(), settings.maxLabelValues()), DETECT_DUPLICATES);
    t.addProcessor(COUNT_FINDINGS_WINDOW, () -> new FindingsWindowProcessor(settings.findingsWindow()),
        COUNT_INVOCATIONS);
    t.addProcessor(REMEMBER_RECENT, () -> new RecentInvocationsProcessor(recent), COUNT_FINDINGS_WINDOW);
    // Beside the chain: the tenant of each function, which /api/* filters by (memory only).
    t.addProcessor(LEARN_TENANTS, () -> new TenantLearner(recent.tenants()), SPANS_SOURCE, LOGS_SOURCE);

    // Invocations waiting for their other half (span or platform report), keyed by function and
    // request id: the last record of each span id, and the report. An entry lives until its
    // invocation is decided: the report wait, or the timeout grace, plus one punctuation.
    t.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(PendingInvocations.STORE_NAME), Serdes.String(), JoinCodec.PENDING),
        JOIN_INVOCATIONS);
    // Which span ids, and whether a report, made up each decided invocation, so late records are
    // absorbed instead of counted again: kept for one hour of stream time (RocksDB, by segment).
    t.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(FinalizedInvocations.STORE_NAME, FinalizedInvocations.RETENTION,
            Duration.ofMillis(1), false),
        Serdes.String(), JoinCodec.MARKER), JOIN_INVOCATIONS);
    // Per function and dedup source, the first delivery (trace and span id) of each dedup key:
    // kept for the dedup window of stream time (RocksDB, expired by segment, no scans).
    t.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(DedupKeys.STORE_NAME, settings.dedupWindow(), Duration.ofMillis(1), false),
        Serdes.String(), Serdes.String()), DETECT_DUPLICATES);
    // Every counter and histogram series /metrics shows: for as long as the application's state.
    t.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(MetricSeries.STORE_NAME), Serdes.String(), Serdes.ByteArray())
        .withCachingEnabled(), COUNT_RECORDS, COUNT_INVOCATIONS);
    // Per function: configuration seen, which sources it sends, latest memory, counts over the
    // findings window. Every function the task has seen, for as long as the application's state.
    t.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(FunctionRegistry.STORE_NAME), Serdes.String(), StoreCodec.FUNCTION_STATE)
        .withCachingEnabled(), REGISTER_FUNCTIONS, JOIN_INVOCATIONS, COUNT_FINDINGS_WINDOW);
    // The label values each function has used (and the functions the task admitted), for folding
    // into "other" past the bounds: for as long as the application's state.
    t.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(LabelBounds.STORE_NAME), Serdes.String(), Serdes.Long())
        .withCachingEnabled(), REGISTER_FUNCTIONS, COUNT_INVOCATIONS);
    return t;
  }
}
