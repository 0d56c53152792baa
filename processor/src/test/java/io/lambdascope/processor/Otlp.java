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

/**
 * Real OTLP records as the agent and the collector write them (docs/telemetry.md sections 1-3).
 * Unless a test says otherwise, a function lives in tenant {@value #TENANT}, account {@value
 * #ACCOUNT}, region {@value #REGION}: its spans carry the account in their ARN (as the agent sends
 * them), its platform events on their resource (as the collector writes them).
 */
public final class Otlp {
  public static final String TENANT = "default";
  public static final String ACCOUNT = "123456789012";
  public static final String REGION = "us-east-1";
  private static final AtomicLong IDS = new AtomicLong(1);
  public static final long T0 = 1_767_000_000_000_000_000L;

  private Otlp() {}

  /** Who sends: the resource attributes of a function's telemetry. */
  public record Identity(String tenant, String account, String region, String function, String instance,
      String version) {
    public static Identity of(String function) {
      return new Identity(TENANT, ACCOUNT, REGION, function, "2026/01/01/[$LATEST]abc", "$LATEST");
    }

    public Identity tenant(String t) {
      return new Identity(t, account, region, function, instance, version);
    }

    public Identity account(String a) {
      return new Identity(tenant, a, region, function, instance, version);
    }

    public Identity region(String r) {
      return new Identity(tenant, account, r, function, instance, version);
    }

    public Identity instance(String i) {
      return new Identity(tenant, account, region, function, i, version);
    }

    public Identity version(String v) {
      return new Identity(tenant, account, region, function, instance, v);
    }

    String arn() {
      return "arn:aws:lambda:" + region + ":" + account + ":function:" + function;
    }
  }

  /** One invocation span; chain setters, then {@link #request()}. */
  public static final class SpanBuilder {
    Identity who;
    final String invocationId;
    long traceLow = IDS.incrementAndGet();
    long spanId = IDS.incrementAndGet();
    String trigger = "other";
    boolean coldstart;
    String initType = "on-demand";
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
    long droppedEvents;
    boolean arn = true;
    String customArn;
    String timeoutStack;
    String hostArch;
    final List<Span.Event> events = new ArrayList<>();

    SpanBuilder(Identity who, String invocationId) {
      this.who = who;
      this.invocationId = invocationId;
    }

    public SpanBuilder trigger(String t) { trigger = t; return this; }
    public SpanBuilder cold(long initMs) { coldstart = true; this.initMs = initMs; return this; }
    public SpanBuilder initType(String t) { initType = t; return this; }
    public SpanBuilder outcome(String o) { outcome = o; return this; }
    public SpanBuilder error(String type) { outcome = "error"; errorType = type; return this; }
    public SpanBuilder provisionalTimeout(String stack) { outcome = "timeout"; provisional = true; timeoutStack = stack; return this; }
    public SpanBuilder duration(double ms) { durationMs = ms; return this; }
    public SpanBuilder start(long epochNanos) { startNanos = epochNanos; return this; }
    /** The resource's {@code host.arch}. */
    public SpanBuilder hostArch(String arch) { hostArch = arch; return this; }
    public SpanBuilder timeoutMs(long ms) { timeoutMs = ms; return this; }
    public SpanBuilder memory(long peak, long max) { peakRss = peak; maxMemory = max; return this; }
    public SpanBuilder dropped(long n) { dropped = n; return this; }
    public SpanBuilder droppedEvents(long n) { droppedEvents = n; return this; }
    public SpanBuilder noArn() { arn = false; return this; }
    public SpanBuilder arn(String a) { customArn = a; return this; }
    public SpanBuilder who(Identity w) { who = w; return this; }
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
          .setName(who.function()).setKind(Span.SpanKind.SPAN_KIND_SERVER)
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
      if (arn) {
        String a = customArn != null ? customArn : who.arn();
        s.addAttributes(str("cloud.resource_id", a)).addAttributes(str("aws.lambda.invoked_arn", a));
      }
      if (provisional) {
        s.addAttributes(bool("lambdascope.timeout.provisional", true));
        s.addEvents(Span.Event.newBuilder().setName("lambdascope.timeout").setTimeUnixNano(startNanos)
            .addAttributes(str("lambdascope.timeout.stacktrace", timeoutStack))
            .addAttributes(num("lambdascope.timeout.remaining_ms", 500)));
      }
      if (coldstart && initMs >= 0) {
        s.addAttributes(num("lambdascope.init.duration_ms", initMs));
        s.addAttributes(str("lambdascope.init.type", initType));
      }
      if (errorType != null) {
        s.addAttributes(str("error.type", errorType));
      }
      if (dropped > 0) {
        s.addAttributes(num("lambdascope.agent.dropped_spans", dropped));
      }
      if (droppedEvents > 0) {
        s.addAttributes(num("lambdascope.agent.dropped_events", droppedEvents));
      }
      if (!outcome.equals("success")) {
        s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(outcome + " happened"));
      }
      return s.build();
    }

    public byte[] request() {
      return spans(who, maxMemory, hostArch, span());
    }
  }

  public static SpanBuilder span(String function, String invocationId) {
    return new SpanBuilder(Identity.of(function), invocationId);
  }

  public static SpanBuilder span(Identity who, String invocationId) {
    return new SpanBuilder(who, invocationId);
  }

  /** Spans of one resource as the agent exports them (no account on the resource: it is in the spans' ARN). */
  public static byte[] spans(String function, long maxMemory, Span... spans) {
    return spans(Identity.of(function), maxMemory, spans);
  }

  public static byte[] spans(Identity who, long maxMemory, Span... spans) {
    return spans(who, maxMemory, null, spans);
  }

  /** With the resource's {@code host.arch} (null: none). */
  public static byte[] spans(Identity who, long maxMemory, String hostArch, Span... spans) {
    Resource.Builder r = Resource.newBuilder()
        .addAttributes(str("service.name", who.function())).addAttributes(str("faas.name", who.function()))
        .addAttributes(str("faas.version", who.version())).addAttributes(str("faas.instance", who.instance()))
        .addAttributes(num("faas.max_memory", maxMemory)).addAttributes(str("cloud.provider", "aws"))
        .addAttributes(str("cloud.platform", "aws_lambda")).addAttributes(str("cloud.region", who.region()))
        .addAttributes(str("lambdascope.tenant", who.tenant()));
    if (hostArch != null) {
      r.addAttributes(str("host.arch", hostArch));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(r)
        .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.lambdascope.agent"))
            .addAllSpans(List.of(spans))))
        .build().toByteArray();
  }

  /** A platform.report; chain setters, then {@link #request()}. */
  public static final class ReportBuilder {
    Identity who;
    final String requestId;
    String status = "success";
    double durationMs = 10;
    double initMs = -1;
    double restoreMs = -1;
    long maxMemoryUsedMb = 100;
    long memorySizeMb = 512;
    long billedMs = -2;
    String errorType;
    boolean restoreInBodyOnly;
    long timeNanos = T0 + 1_000_000_000L;

    ReportBuilder(Identity who, String requestId) {
      this.who = who;
      this.requestId = requestId;
    }

    public ReportBuilder status(String s) { status = s; return this; }
    public ReportBuilder duration(double ms) { durationMs = ms; return this; }
    public ReportBuilder init(double ms) { initMs = ms; return this; }
    public ReportBuilder restore(double ms) { restoreMs = ms; return this; }
    public ReportBuilder restoreInBodyOnly(double ms) { restoreMs = ms; restoreInBodyOnly = true; return this; }
    public ReportBuilder maxMemoryUsed(long mb) { maxMemoryUsedMb = mb; return this; }
    public ReportBuilder memorySize(long mb) { memorySizeMb = mb; return this; }
    public ReportBuilder billed(long ms) { billedMs = ms; return this; }
    public ReportBuilder errorType(String t) { errorType = t; return this; }
    public ReportBuilder who(Identity w) { who = w; return this; }
    public ReportBuilder time(long nanos) { timeNanos = nanos; return this; }

    public byte[] request() {
      long billed = billedMs == -2 ? (long) Math.ceil(durationMs) : billedMs;
      String metrics = "\"durationMs\":" + durationMs + ",\"billedDurationMs\":" + billed
          + (restoreMs >= 0 ? ",\"restoreDurationMs\":" + restoreMs : "");
      LogRecord.Builder r = platformEvent("platform.report", requestId, timeNanos,
          "{\"requestId\":\"" + requestId + "\",\"status\":\"" + status + "\",\"metrics\":{" + metrics + "}}")
          .addAttributes(str("lambdascope.platform.status", status))
          .addAttributes(dbl("lambdascope.platform.duration_ms", durationMs))
          .addAttributes(num("lambdascope.platform.billed_duration_ms", billed))
          .addAttributes(num("lambdascope.platform.memory_size_mb", memorySizeMb))
          .addAttributes(num("lambdascope.platform.max_memory_used_mb", maxMemoryUsedMb));
      if (initMs >= 0) {
        r.addAttributes(dbl("lambdascope.platform.init_duration_ms", initMs));
      }
      if (restoreMs >= 0 && !restoreInBodyOnly) {
        r.addAttributes(dbl("lambdascope.platform.restore_duration_ms", restoreMs));
      }
      if (errorType != null) {
        r.addAttributes(str("lambdascope.platform.error_type", errorType));
      }
      return logs(who, r.build());
    }
  }

  public static ReportBuilder report(String function, String requestId) {
    return new ReportBuilder(Identity.of(function), requestId);
  }

  public static ReportBuilder report(Identity who, String requestId) {
    return new ReportBuilder(who, requestId);
  }

  /** A platform.report as the collector writes it. initMs < 0: warm. */
  public static byte[] report(String function, String invocationId, String status, double durationMs, double initMs,
      long maxMemoryUsedMb, String errorType) {
    return report(function, invocationId).status(status).duration(durationMs).init(initMs)
        .maxMemoryUsed(maxMemoryUsedMb).errorType(errorType).request();
  }

  public static byte[] throttle(String function, String requestId) {
    return logs(Identity.of(function), platformEvent("lambdascope.throttle", requestId, T0, "{}")
        .addAttributes(str("lambdascope.throttle.reason", "ReservedFunctionConcurrentInvocationLimitExceeded")).build());
  }

  public static byte[] startEvent(String function, String requestId) {
    return logs(Identity.of(function), platformEvent("platform.start", requestId, T0, "{}").build());
  }

  /** An init event (initStart, initRuntimeDone, initReport) of an environment; status null for initStart. */
  public static byte[] initEvent(Identity who, String type, String initType, String status, String errorType,
      double durationMs) {
    LogRecord.Builder r = LogRecord.newBuilder().setTimeUnixNano(T0).setEventName(type)
        .setBody(AnyValue.newBuilder().setStringValue("{\"initializationType\":\"" + initType + "\",\"phase\":\"init\"}"))
        .addAttributes(str("event.name", type))
        .addAttributes(str("lambdascope.platform.init_type", initType));
    if (status != null) {
      r.addAttributes(str("lambdascope.platform.status", status));
    }
    if (errorType != null) {
      r.addAttributes(str("lambdascope.platform.error_type", errorType));
    }
    if (durationMs >= 0) {
      r.addAttributes(dbl("lambdascope.platform.duration_ms", durationMs));
    }
    return logs(who, r.build());
  }

  /** The agent's {@code lambdascope.uninstrumented} event of an environment. */
  public static byte[] uninstrumented(Identity who) {
    return logs(who, LogRecord.newBuilder().setTimeUnixNano(T0).setEventName("lambdascope.uninstrumented")
        .setBody(AnyValue.newBuilder().setStringValue("{\"handler\":\"example.Handler::handleRequest\",\"reason\":\"no match\"}"))
        .addAttributes(str("event.name", "lambdascope.uninstrumented")).build());
  }

  private static LogRecord.Builder platformEvent(String type, String requestId, long timeNanos, String body) {
    return LogRecord.newBuilder().setTimeUnixNano(timeNanos).setEventName(type)
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .addAttributes(str("event.name", type))
        .addAttributes(str("faas.invocation_id", requestId));
  }

  public static byte[] logs(String function, LogRecord... records) {
    return logs(Identity.of(function), records);
  }

  /** Platform events of one environment as the collector writes them: account and region on the resource. */
  public static byte[] logs(Identity who, LogRecord... records) {
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(str("faas.name", who.function()))
            .addAttributes(str("service.name", who.function())).addAttributes(str("cloud.provider", "aws"))
            .addAttributes(str("faas.version", who.version())).addAttributes(str("faas.instance", who.instance()))
            .addAttributes(str("cloud.account.id", who.account())).addAttributes(str("cloud.region", who.region()))
            .addAttributes(str("lambdascope.tenant", who.tenant())))
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
