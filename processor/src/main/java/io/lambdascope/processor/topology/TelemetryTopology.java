package io.lambdascope.processor.topology;

import io.lambdascope.processor.decode.DecodeException;
import io.lambdascope.processor.decode.DecodeProcessor;
import io.lambdascope.processor.decode.OtlpDeserializers;
import io.lambdascope.processor.dedup.DedupWindow;
import io.lambdascope.processor.dedup.DuplicateDetector;
import io.lambdascope.processor.findings.FindingsWindowProcessor;
import io.lambdascope.processor.http.RecentInvocations;
import io.lambdascope.processor.http.RecentInvocationsProcessor;
import io.lambdascope.processor.join.InvocationJoinProcessor;
import io.lambdascope.processor.join.JoinCodec;
import io.lambdascope.processor.join.PendingInvocations;
import io.lambdascope.processor.metrics.InvocationMetricsProcessor;
import io.lambdascope.processor.metrics.PipelineMetrics;
import io.lambdascope.processor.metrics.RecordMetricsProcessor;
import io.lambdascope.processor.state.Codecs;
import io.lambdascope.processor.state.Environments;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionRegistryProcessor;
import io.lambdascope.processor.state.ObjectStoreBuilder;
import io.lambdascope.processor.state.Publication;
import io.lambdascope.processor.state.PublishedFunctions;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology: one sub-topology reading the spans and logs topics (co-partitioned by
 * function, so a function's spans and platform events meet in one task), a chain of small
 * processors, and the state stores they share. Everything kept goes to changelogged stores, so it
 * commits atomically with the input offsets (exactly-once) and is restored after a crash.
 *
 * <pre>
 * spans ─ decode-spans ┐
 * logs ── decode-logs ─┴─ register-functions ─ count-records ─ detect-duplicates ─ join-invocations
 *   ─ count-invocations ─ count-findings-window ─ remember-recent
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
  public static final String DETECT_DUPLICATES = "detect-duplicates";
  public static final String JOIN_INVOCATIONS = "join-invocations";
  public static final String COUNT_INVOCATIONS = "count-invocations";
  public static final String COUNT_FINDINGS_WINDOW = "count-findings-window";
  public static final String REMEMBER_RECENT = "remember-recent";

  /** Changelogs of the object stores: small segments, so compaction keeps a restore short. */
  private static final Map<String, String> CHANGELOG = Map.of("segment.bytes", Integer.toString(64 << 20));

  private TelemetryTopology() {}

  /** What the topology reports to and publishes through, besides its settings. */
  public record Outputs(PipelineMetrics meters, RecentInvocations recent, Publication publication,
      PublishedFunctions published) {}

  public static Topology build(TopologySettings settings, Outputs outputs) {
    PipelineMetrics meters = outputs.meters();
    FunctionRegistry.Settings registry = new FunctionRegistry.Settings(settings.maxFunctions(),
        settings.maxLabelValues(), settings.functionTtl(), meters, outputs.publication(), outputs.published());
    InvocationJoinProcessor.Settings join = new InvocationJoinProcessor.Settings(settings.logsTopic(),
        settings.reportWait(), settings.timeoutGrace(), settings.lateReportWindow(), settings.punctuateEvery(), meters,
        registry);

    Topology t = new Topology();
    t.addSource(SPANS_SOURCE, Serdes.ByteArray().deserializer(), OtlpDeserializers.spans(), settings.spansTopic());
    t.addSource(LOGS_SOURCE, Serdes.ByteArray().deserializer(), OtlpDeserializers.platformEvents(),
        settings.logsTopic());
    t.addProcessor(DECODE_SPANS, () -> new DecodeProcessor(settings.spansTopic(), meters), SPANS_SOURCE);
    t.addProcessor(DECODE_LOGS, () -> new DecodeProcessor(settings.logsTopic(), meters), LOGS_SOURCE);
    t.addProcessor(REGISTER_FUNCTIONS, () -> new FunctionRegistryProcessor(registry), DECODE_SPANS, DECODE_LOGS);
    t.addProcessor(COUNT_RECORDS, () -> new RecordMetricsProcessor(registry), REGISTER_FUNCTIONS);
    t.addProcessor(DETECT_DUPLICATES,
        () -> new DuplicateDetector(settings.dedupWindow(), settings.findingsWindow(), registry), COUNT_RECORDS);
    t.addProcessor(JOIN_INVOCATIONS, () -> new InvocationJoinProcessor(join), DETECT_DUPLICATES);
    t.addProcessor(COUNT_INVOCATIONS, () -> new InvocationMetricsProcessor(registry, settings.cost()), JOIN_INVOCATIONS);
    t.addProcessor(COUNT_FINDINGS_WINDOW, () -> new FindingsWindowProcessor(settings.findingsWindow(), registry),
        COUNT_INVOCATIONS);
    t.addProcessor(REMEMBER_RECENT, () -> new RecentInvocationsProcessor(outputs.recent(), outputs.publication()), COUNT_FINDINGS_WINDOW);

    // Per function (tenant, account, region, name): its configuration, sources, label values, findings
    // window, the invocations decided last, and every counter and histogram series /metrics shows.
    // Kept until the function has not been seen for the function TTL. Objects on the heap, written
    // once per commit.
    t.addStateStore(new ObjectStoreBuilder<>(FunctionRegistry.STORE_NAME, Codecs.FUNCTION_STATE, CHANGELOG,
            detail -> meters.decodeFailure(FunctionRegistry.STORE_NAME, DecodeException.INVALID_STATE, detail)),
        REGISTER_FUNCTIONS, COUNT_RECORDS, DETECT_DUPLICATES, JOIN_INVOCATIONS, COUNT_INVOCATIONS,
        COUNT_FINDINGS_WINDOW);
    // Per execution environment: its init type and init duration, whether its init failure and its
    // lambdascope.uninstrumented were counted. Kept 6 h after it was last heard of, 100,000 per task.
    t.addStateStore(new ObjectStoreBuilder<>(Environments.STORE_NAME, Environments.CODEC, CHANGELOG,
            detail -> meters.decodeFailure(Environments.STORE_NAME, DecodeException.INVALID_STATE, detail)),
        REGISTER_FUNCTIONS, COUNT_RECORDS, JOIN_INVOCATIONS);
    // Per invocation (function and request id) not finished with: its span records and report while
    // it waits (the report wait, or the timeout grace), then, decided with a half still expected, what
    // that late half needs (the late report window; 100,000 per task). Written only if it outlives a
    // commit interval.
    t.addStateStore(new ObjectStoreBuilder<>(PendingInvocations.STORE_NAME, JoinCodec.INSTANCE, CHANGELOG,
        detail -> meters.decodeFailure(PendingInvocations.STORE_NAME, DecodeException.INVALID_STATE, detail)),
        JOIN_INVOCATIONS);
    // Per function, dedup source and key (a fingerprint): the first delivery's hash. Segments of one
    // dedup window, two kept, dropped whole by stream time (RocksDB; point reads only).
    t.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(DedupWindow.STORE_NAME, DedupWindow.retention(settings.dedupWindow()),
            Duration.ofMillis(1), false),
        Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled(), DETECT_DUPLICATES);
    return t;
  }
}
