package io.lambdascope.processor.decode;

import static io.lambdascope.processor.decode.OtlpAttributes.bool;
import static io.lambdascope.processor.decode.OtlpAttributes.clip;
import static io.lambdascope.processor.decode.OtlpAttributes.hex;
import static io.lambdascope.processor.decode.OtlpAttributes.number;
import static io.lambdascope.processor.decode.OtlpAttributes.orDefault;
import static io.lambdascope.processor.decode.OtlpAttributes.string;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a value of the spans topic into {@link InvocationSpan}s (docs/telemetry.md section 1).
 * Spans that are not invocation spans (no {@code faas.invocation_id}) are someone else's
 * telemetry: skipped, not failures.
 */
public final class InvocationSpanDecoder {
  private static final int MAX_STACK_CHARS = 16 * 1024;
  private static final int MAX_MESSAGE_CHARS = 1024;

  private InvocationSpanDecoder() {}

  public static List<InvocationSpan> decode(byte[] key, byte[] value, long recordTimestampMs) throws DecodeException {
    ExportTraceServiceRequest request =
        OtlpAttributes.parse(value, ExportTraceServiceRequest.parser(), "ExportTraceServiceRequest");
    List<InvocationSpan> out = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, AnyValue> resource = OtlpAttributes.map(rs.getResource().getAttributesList());
      String function = OtlpAttributes.functionName(resource, key);
      long maxMemory = number(resource.get("faas.max_memory"));
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          Map<String, AnyValue> a = OtlpAttributes.map(span.getAttributesList());
          String invocationId = string(a.get("faas.invocation_id"));
          if (invocationId == null || invocationId.isEmpty()) {
            continue;
          }
          if (function == null) {
            throw new DecodeException(DecodeException.MISSING_FUNCTION, "span " + invocationId + " has no faas.name");
          }
          out.add(invocationSpan(function, maxMemory, span, a, invocationId, recordTimestampMs));
        }
      }
    }
    return out;
  }

  private static InvocationSpan invocationSpan(
      String function, long maxMemory, Span span, Map<String, AnyValue> a, String invocationId, long ts) {
    String outcome = string(a.get("lambdascope.outcome"));
    if (outcome == null) {
      outcome = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR ? "error" : "success";
    }
    List<InvocationSpan.DedupRecord> records = new ArrayList<>();
    List<InvocationSpan.DownstreamThrottle> throttles = new ArrayList<>();
    String timeoutStack = null;
    String exceptionMessage = null;
    for (Span.Event event : span.getEventsList()) {
      Map<String, AnyValue> ea = OtlpAttributes.map(event.getAttributesList());
      switch (event.getName()) {
        case "lambdascope.record" -> {
          String source = string(ea.get("lambdascope.dedup.source"));
          String dedupKey = string(ea.get("lambdascope.dedup.key"));
          if (source != null && dedupKey != null && !dedupKey.isEmpty()) {
            records.add(new InvocationSpan.DedupRecord(
                source, dedupKey, string(ea.get("messaging.message.id")),
                number(ea.get("lambdascope.delivery.count"))));
          }
        }
        case "lambdascope.downstream_throttle" -> throttles.add(new InvocationSpan.DownstreamThrottle(
            orDefault(string(ea.get("rpc.service")), "unknown"),
            orDefault(string(ea.get("rpc.method")), "unknown")));
        case "lambdascope.timeout" -> timeoutStack = clip(string(ea.get("lambdascope.timeout.stacktrace")), MAX_STACK_CHARS);
        case "exception" -> exceptionMessage = string(ea.get("exception.message"));
        default -> { }
      }
    }
    String message = span.getStatus().getMessage();
    if (message.isEmpty()) {
      message = exceptionMessage;
    }
    Boolean coldstart = bool(a.get("faas.coldstart"));
    Boolean provisional = bool(a.get("lambdascope.timeout.provisional"));
    return new InvocationSpan(
        function,
        invocationId,
        hex(span.getTraceId()) + ":" + hex(span.getSpanId()),
        ts,
        span.getStartTimeUnixNano(),
        span.getEndTimeUnixNano(),
        orDefault(string(a.get("faas.trigger")), "other"),
        coldstart != null && coldstart,
        outcome,
        provisional != null && provisional,
        string(a.get("error.type")),
        clip(message, MAX_MESSAGE_CHARS),
        string(a.get("lambdascope.event.source")),
        number(a.get("lambdascope.function.timeout_ms")),
        number(a.get("lambdascope.init.duration_ms")),
        number(a.get("lambdascope.memory.peak_rss_bytes")),
        maxMemory,
        number(a.get("lambdascope.agent.dropped_spans")),
        timeoutStack,
        List.copyOf(records),
        List.copyOf(throttles));
  }
}
