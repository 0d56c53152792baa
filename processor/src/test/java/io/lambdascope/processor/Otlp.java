package io.lambdascope.processor;

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
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Real OTLP records as the agent and the collector write them (docs/telemetry.md sections 1-3). */
public final class Otlp {
  private static final AtomicLong IDS = new AtomicLong(1);
  public static final long T0 = 1_767_000_000_000_000_000L;

  private Otlp() {}

  /** One invocation span; chain setters, then {@link #request()}. */
  public static final class SpanBuilder {
    final String function;
    final String invocationId;
    long traceLow = IDS.incrementAndGet();
    long spanId = IDS.incrementAndGet();
    String trigger = "other";
    boolean coldstart;
    String outcome = "success";
    boolean provisional;
    String errorType;
    long startNanos = T0;
    double durationMs = 100;
    long timeoutMs = 30_000;
    long maxMemory = 512L << 20;
    long peakRss = 100L << 20;
    long initMs = -1;
    long dropped;
    String timeoutStack;
    final List<Span.Event> events = new ArrayList<>();

    SpanBuilder(String function, String invocationId) {
      this.function = function;
      this.invocationId = invocationId;
    }

    public SpanBuilder trigger(String t) { trigger = t; return this; }
    public SpanBuilder cold(long initMs) { coldstart = true; this.initMs = initMs; return this; }
    public SpanBuilder outcome(String o) { outcome = o; return this; }
    public SpanBuilder error(String type) { outcome = "error"; errorType = type; return this; }
    public SpanBuilder provisionalTimeout(String stack) { outcome = "timeout"; provisional = true; timeoutStack = stack; return this; }
    public SpanBuilder duration(double ms) { durationMs = ms; return this; }
    public SpanBuilder timeoutMs(long ms) { timeoutMs = ms; return this; }
    public SpanBuilder memory(long peak, long max) { peakRss = peak; maxMemory = max; return this; }
    public SpanBuilder dropped(long n) { dropped = n; return this; }
    public SpanBuilder sameSpanAs(SpanBuilder other) { traceLow = other.traceLow; spanId = other.spanId; return this; }

    public SpanBuilder record(String source, String key, long deliveryCount) {
      Span.Event.Builder e = Span.Event.newBuilder().setName("lambdascope.record").setTimeUnixNano(startNanos)
          .addAttributes(str("lambdascope.dedup.source", source)).addAttributes(str("lambdascope.dedup.key", key));
      if (deliveryCount > 0) {
        e.addAttributes(num("lambdascope.delivery.count", deliveryCount));
      }
      events.add(e.build());
      return this;
    }

    public SpanBuilder downstreamThrottle(String service, String method) {
      events.add(Span.Event.newBuilder().setName("lambdascope.downstream_throttle").setTimeUnixNano(startNanos)
          .addAttributes(str("rpc.system", "aws-api")).addAttributes(str("rpc.service", service))
          .addAttributes(str("rpc.method", method)).addAttributes(str("error.type", "ThrottlingException")).build());
      return this;
    }

    public Span span() {
      Span.Builder s = Span.newBuilder()
          .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x1234L).putLong(traceLow).array()))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(spanId).array()))
          .setName(function).setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(startNanos).setEndTimeUnixNano(startNanos + (long) (durationMs * 1_000_000))
          .addAttributes(str("faas.invocation_id", invocationId))
          .addAttributes(str("faas.trigger", trigger))
          .addAttributes(bool("faas.coldstart", coldstart))
          .addAttributes(str("lambdascope.outcome", outcome))
          .addAttributes(str("lambdascope.event.source", "direct"))
          .addAttributes(num("lambdascope.function.timeout_ms", timeoutMs))
          .addAttributes(num("lambdascope.memory.peak_rss_bytes", peakRss))
          .addAttributes(num("lambdascope.memory.heap_used_bytes", peakRss / 2))
          .addAllEvents(events);
      if (provisional) {
        s.addAttributes(bool("lambdascope.timeout.provisional", true));
        s.addEvents(Span.Event.newBuilder().setName("lambdascope.timeout").setTimeUnixNano(startNanos)
            .addAttributes(str("lambdascope.timeout.stacktrace", timeoutStack))
            .addAttributes(num("lambdascope.timeout.remaining_ms", 500)));
      }
      if (coldstart && initMs >= 0) {
        s.addAttributes(num("lambdascope.init.duration_ms", initMs));
        s.addAttributes(str("lambdascope.init.type", "on-demand"));
      }
      if (errorType != null) {
        s.addAttributes(str("error.type", errorType));
      }
      if (dropped > 0) {
        s.addAttributes(num("lambdascope.agent.dropped_spans", dropped));
      }
      if (!outcome.equals("success")) {
        s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(outcome + " happened"));
      }
      return s.build();
    }

    public byte[] request() {
      return spans(function, maxMemory, span());
    }
  }

  public static SpanBuilder span(String function, String invocationId) {
    return new SpanBuilder(function, invocationId);
  }

  public static byte[] spans(String function, long maxMemory, Span... spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(str("service.name", function)).addAttributes(str("faas.name", function))
            .addAttributes(str("faas.version", "$LATEST")).addAttributes(str("faas.instance", "2026/01/01/[$LATEST]abc"))
            .addAttributes(num("faas.max_memory", maxMemory)).addAttributes(str("cloud.provider", "aws"))
            .addAttributes(str("cloud.platform", "aws_lambda")).addAttributes(str("lambdascope.tenant", "default")))
        .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.lambdascope.agent"))
            .addAllSpans(List.of(spans))))
        .build().toByteArray();
  }

  /** A platform.report as the collector writes it. initMs < 0: warm. */
  public static byte[] report(String function, String invocationId, String status, double durationMs, double initMs,
      long maxMemoryUsedMb, String errorType) {
    LogRecord.Builder r = platformEvent("platform.report", invocationId)
        .addAttributes(str("lambdascope.platform.status", status))
        .addAttributes(dbl("lambdascope.platform.duration_ms", durationMs))
        .addAttributes(num("lambdascope.platform.billed_duration_ms", (long) Math.ceil(durationMs)))
        .addAttributes(num("lambdascope.platform.memory_size_mb", 512))
        .addAttributes(num("lambdascope.platform.max_memory_used_mb", maxMemoryUsedMb));
    if (initMs >= 0) {
      r.addAttributes(dbl("lambdascope.platform.init_duration_ms", initMs));
    }
    if (errorType != null) {
      r.addAttributes(str("lambdascope.platform.error_type", errorType));
    }
    return logs(function, r.build());
  }

  public static byte[] throttle(String function, String requestId) {
    return logs(function, platformEvent("lambdascope.throttle", requestId)
        .addAttributes(str("lambdascope.throttle.reason", "ReservedFunctionConcurrentInvocationLimitExceeded")).build());
  }

  public static byte[] startEvent(String function, String requestId) {
    return logs(function, platformEvent("platform.start", requestId).build());
  }

  private static LogRecord.Builder platformEvent(String type, String requestId) {
    return LogRecord.newBuilder().setTimeUnixNano(T0 + 1_000_000_000L)
        .setBody(AnyValue.newBuilder().setStringValue("{\"requestId\":\"" + requestId + "\"}"))
        .addAttributes(str("event.name", type))
        .addAttributes(str("faas.invocation_id", requestId));
  }

  public static byte[] logs(String function, LogRecord... records) {
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(str("faas.name", function))
            .addAttributes(str("service.name", function)).addAttributes(str("cloud.provider", "aws")))
        .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(List.of(records))))
        .build().toByteArray();
  }

  public static KeyValue str(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  public static KeyValue num(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  public static KeyValue dbl(String k, double v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setDoubleValue(v)).build();
  }

  public static KeyValue bool(String k, boolean v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setBoolValue(v)).build();
  }
}
