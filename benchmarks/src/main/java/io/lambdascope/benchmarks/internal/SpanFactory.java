package io.lambdascope.benchmarks.internal;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Random;
import java.util.UUID;

/**
 * Invocation spans as the Lambdascope agent writes them (docs/telemetry.md section 1): an SQS-
 * triggered function's successful invocation with its resource, attributes and one dedup record.
 */
public final class SpanFactory {
  private final Random random;

  public SpanFactory(long seed) {
    this.random = new Random(seed);
  }

  /** The function name of index {@code i}: {@code bench-fn-<i>}. */
  public static String functionName(int i) {
    return "bench-fn-" + i;
  }

  /** One request from one execution environment of {@code function}, holding {@code spans} invocations. */
  public ExportTraceServiceRequest request(String function, int spans, long startEpochNanos) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.lambdascope.agent").setVersion("0.1.0"));
    for (int i = 0; i < spans; i++) {
      scope.addSpans(span(function, startEpochNanos + i * 1_000_000L, UUID.randomUUID().toString()));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource(function)).addScopeSpans(scope))
        .build();
  }

  /** One request holding the given invocation span, as the agent exports it. */
  public ExportTraceServiceRequest request(String function, Span span) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.lambdascope.agent").setVersion("0.1.0"))
            .addSpans(span);
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource(function)).addScopeSpans(scope))
        .build();
  }

  /** One of the function's 8 execution environments (its log stream name), as a warm fleet reuses them. */
  private String instance(String function) {
    return "2026/01/01/[$LATEST]" + Integer.toHexString((function.hashCode() & 0xfff) * 16 + random.nextInt(8));
  }

  public Resource resource(String function) {
    return Resource.newBuilder()
        .addAttributes(str("service.name", function))
        .addAttributes(str("faas.name", function))
        .addAttributes(str("faas.version", "$LATEST"))
        .addAttributes(str("faas.instance", instance(function)))
        .addAttributes(integer("faas.max_memory", 512L << 20))
        .addAttributes(str("cloud.provider", "aws"))
        .addAttributes(str("cloud.platform", "aws_lambda"))
        .addAttributes(str("cloud.region", "us-east-1"))
        .addAttributes(str("lambdascope.tenant", "default"))
        .addAttributes(str("telemetry.sdk.name", "lambdascope"))
        .addAttributes(str("telemetry.sdk.language", "java"))
        .addAttributes(str("telemetry.sdk.version", "0.1.0"))
        .build();
  }

  /**
   * The platform events of invocation {@code requestId} as the collector writes the Telemetry API
   * batch the agent's extension relays (docs/telemetry.md section 2): {@code platform.start}, {@code
   * platform.runtimeDone} and {@code platform.report}, three log records of one resource in one
   * record on otlp_logs.
   */
  public ExportLogsServiceRequest report(String function, String requestId, long endEpochNanos, double durationMs) {
    Resource resource =
        Resource.newBuilder()
            .addAttributes(str("faas.name", function))
            .addAttributes(str("service.name", function))
            .addAttributes(str("faas.version", "$LATEST"))
            .addAttributes(str("faas.instance", instance(function)))
            .addAttributes(str("cloud.provider", "aws"))
            .addAttributes(str("cloud.platform", "aws_lambda"))
            .addAttributes(str("cloud.account.id", "123456789012"))
            .addAttributes(str("cloud.region", "us-east-1"))
            .addAttributes(str("lambdascope.tenant", "default"))
            .build();
    String body =
        "{\"requestId\":\"" + requestId + "\",\"status\":\"success\",\"metrics\":{\"durationMs\":" + durationMs
            + ",\"billedDurationMs\":" + (long) Math.ceil(durationMs) + ",\"memorySizeMB\":512,\"maxMemoryUsedMB\":"
            + (90 + random.nextInt(40)) + "}}";
    LogRecord record =
        LogRecord.newBuilder()
            .setTimeUnixNano(endEpochNanos)
            .setEventName("platform.report")
            .setBody(AnyValue.newBuilder().setStringValue(body))
            .addAttributes(str("event.name", "platform.report"))
            .addAttributes(str("faas.invocation_id", requestId))
            .addAttributes(str("lambdascope.platform.status", "success"))
            .addAttributes(dbl("lambdascope.platform.duration_ms", durationMs))
            .addAttributes(integer("lambdascope.platform.billed_duration_ms", (long) Math.ceil(durationMs)))
            .addAttributes(integer("lambdascope.platform.memory_size_mb", 512))
            .addAttributes(integer("lambdascope.platform.max_memory_used_mb", 90 + random.nextInt(40)))
            .build();
    long startNanos = endEpochNanos - (long) (durationMs * 1_000_000);
    LogRecord start =
        LogRecord.newBuilder()
            .setTimeUnixNano(startNanos)
            .setEventName("platform.start")
            .setBody(AnyValue.newBuilder().setStringValue("{\"requestId\":\"" + requestId + "\",\"version\":\"$LATEST\"}"))
            .addAttributes(str("event.name", "platform.start"))
            .addAttributes(str("faas.invocation_id", requestId))
            .build();
    LogRecord runtimeDone =
        LogRecord.newBuilder()
            .setTimeUnixNano(endEpochNanos)
            .setEventName("platform.runtimeDone")
            .setBody(AnyValue.newBuilder().setStringValue("{\"requestId\":\"" + requestId + "\",\"status\":\"success\","
                + "\"metrics\":{\"durationMs\":" + durationMs + "}}"))
            .addAttributes(str("event.name", "platform.runtimeDone"))
            .addAttributes(str("faas.invocation_id", requestId))
            .addAttributes(str("lambdascope.platform.status", "success"))
            .addAttributes(dbl("lambdascope.platform.duration_ms", durationMs))
            .build();
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource)
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("io.lambdascope.collector.platform"))
                        .addLogRecords(start)
                        .addLogRecords(runtimeDone)
                        .addLogRecords(record)))
        .build();
  }

  /** One successful SQS-triggered invocation of {@code function} with request id {@code requestId}. */
  public Span span(String function, long startEpochNanos, String requestId) {
    String arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function;
    String messageId = UUID.randomUUID().toString();
    long durationNanos = (5 + random.nextInt(200)) * 1_000_000L;
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(randomBytes(16)))
        .setSpanId(ByteString.copyFrom(randomBytes(8)))
        .setName(function)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(startEpochNanos)
        .setEndTimeUnixNano(startEpochNanos + durationNanos)
        .addAttributes(str("faas.invocation_id", requestId))
        .addAttributes(str("faas.trigger", "pubsub"))
        .addAttributes(bool("faas.coldstart", false))
        .addAttributes(str("cloud.resource_id", arn))
        .addAttributes(str("aws.lambda.invoked_arn", arn))
        .addAttributes(str("lambdascope.outcome", "success"))
        .addAttributes(str("lambdascope.event.source", "sqs"))
        .addAttributes(integer("lambdascope.function.timeout_ms", 30_000))
        .addAttributes(integer("lambdascope.memory.peak_rss_bytes", (90L + random.nextInt(40)) << 20))
        .addAttributes(integer("lambdascope.memory.heap_used_bytes", (20L + random.nextInt(20)) << 20))
        .addAttributes(str("messaging.system", "aws_sqs"))
        .addAttributes(str("messaging.operation.type", "process"))
        .addAttributes(str("messaging.destination.name", function + "-queue"))
        .addAttributes(integer("messaging.batch.message_count", 1))
        .addEvents(
            Span.Event.newBuilder()
                .setName("lambdascope.record")
                .setTimeUnixNano(startEpochNanos)
                .addAttributes(str("lambdascope.dedup.key", messageId))
                .addAttributes(str("lambdascope.dedup.source", "sqs"))
                .addAttributes(str("messaging.message.id", messageId))
                .addAttributes(integer("lambdascope.delivery.count", 1)))
        .build();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static KeyValue str(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  private static KeyValue dbl(String key, double value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(value)).build();
  }

  private static KeyValue bool(String key, boolean value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setBoolValue(value)).build();
  }
}
