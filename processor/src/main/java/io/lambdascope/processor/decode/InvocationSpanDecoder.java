package io.lambdascope.processor.decode;

import static io.lambdascope.processor.decode.OtlpAttributes.bool;
import static io.lambdascope.processor.decode.OtlpAttributes.clip;
import static io.lambdascope.processor.decode.OtlpAttributes.hex;
import static io.lambdascope.processor.decode.OtlpAttributes.number;
import static io.lambdascope.processor.decode.OtlpAttributes.orDefault;
import static io.lambdascope.processor.decode.OtlpAttributes.string;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request of the spans topic into {@link InvocationSpan}s (docs/telemetry.md section 1).
 * Spans that are not invocation spans (no {@code faas.invocation_id}) are someone else's
 * telemetry: skipped, not failures. Attributes are read in one pass each, without building maps.
 */
public final class InvocationSpanDecoder {
  private static final int MAX_STACK_CHARS = 16 * 1024;
  private static final int MAX_MESSAGE_CHARS = 1024;

  private InvocationSpanDecoder() {}

  public static List<InvocationSpan> decode(ExportTraceServiceRequest request, long recordTimestampMs)
      throws DecodeException {
    List<InvocationSpan> out = new ArrayList<>(1);
    for (ResourceSpans rs : request.getResourceSpansList()) {
      OtlpAttributes.ResourceFacts resource = OtlpAttributes.resource(rs.getResource().getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          InvocationSpan decoded = invocationSpan(resource, span, recordTimestampMs);
          if (decoded != null) {
            out.add(decoded);
          }
        }
      }
    }
    return out;
  }

  private static InvocationSpan invocationSpan(OtlpAttributes.ResourceFacts resource, Span span, long ts)
      throws DecodeException {
    String invocationId = null;
    String trigger = null;
    boolean coldstart = false;
    String initType = null;
    String outcome = null;
    boolean provisional = false;
    String errorType = null;
    String eventSource = null;
    String arn = null;
    long timeoutMs = -1;
    long initMs = -1;
    long rss = -1;
    long droppedSpans = -1;
    long droppedEvents = -1;
    for (KeyValue kv : span.getAttributesList()) {
      AnyValue v = kv.getValue();
      switch (kv.getKey()) {
        case "faas.invocation_id" -> invocationId = string(v);
        case "faas.trigger" -> trigger = string(v);
        case "faas.coldstart" -> coldstart = bool(v);
        case "lambdascope.init.type" -> initType = string(v);
        case "lambdascope.outcome" -> outcome = string(v);
        case "lambdascope.timeout.provisional" -> provisional = bool(v);
        case "error.type" -> errorType = string(v);
        case "lambdascope.event.source" -> eventSource = string(v);
        case "cloud.resource_id", "aws.lambda.invoked_arn" -> arn = arn == null ? string(v) : arn;
        case "lambdascope.function.timeout_ms" -> timeoutMs = number(v);
        case "lambdascope.init.duration_ms" -> initMs = number(v);
        case "lambdascope.memory.peak_rss_bytes" -> rss = number(v);
        case "lambdascope.agent.dropped_spans" -> droppedSpans = number(v);
        case "lambdascope.agent.dropped_events" -> droppedEvents = number(v);
        default -> { }
      }
    }
    if (invocationId == null || invocationId.isEmpty()) {
      return null;
    }
    if (resource.name() == null) {
      throw new DecodeException(DecodeException.MISSING_FUNCTION, "span " + invocationId + " has no faas.name");
    }
    if (outcome == null) {
      outcome = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR ? "error" : "success";
    }
    List<InvocationSpan.DedupRecord> records = List.of();
    List<InvocationSpan.DownstreamThrottle> throttles = List.of();
    String timeoutStack = null;
    String exceptionMessage = null;
    for (Span.Event event : span.getEventsList()) {
      switch (event.getName()) {
        case "lambdascope.record" -> {
          InvocationSpan.DedupRecord r = dedupRecord(event.getAttributesList());
          if (r != null) {
            if (records.isEmpty()) {
              records = new ArrayList<>(1);
            }
            records.add(r);
          }
        }
        case "lambdascope.downstream_throttle" -> {
          if (throttles.isEmpty()) {
            throttles = new ArrayList<>(2);
          }
          throttles.add(throttle(event.getAttributesList()));
        }
        case "lambdascope.timeout" -> timeoutStack =
            clip(attribute(event.getAttributesList(), "lambdascope.timeout.stacktrace"), MAX_STACK_CHARS);
        case "exception" -> exceptionMessage = attribute(event.getAttributesList(), "exception.message");
        default -> { }
      }
    }
    String message = span.getStatus().getMessage();
    if (message.isEmpty()) {
      message = exceptionMessage;
    }
    return new InvocationSpan(
        resource.id(arn),
        resource.version(),
        resource.instance(),
        invocationId,
        hex(span.getTraceId()) + ":" + hex(span.getSpanId()),
        ts,
        span.getStartTimeUnixNano(),
        span.getEndTimeUnixNano(),
        orDefault(trigger, "other"),
        coldstart,
        initType,
        outcome,
        provisional,
        errorType,
        clip(message, MAX_MESSAGE_CHARS),
        eventSource,
        timeoutMs,
        initMs,
        rss,
        resource.maxMemory(),
        droppedSpans,
        droppedEvents,
        timeoutStack,
        records.isEmpty() ? List.of() : List.copyOf(records),
        throttles.isEmpty() ? List.of() : List.copyOf(throttles),
        null,
        false);
  }

  private static InvocationSpan.DedupRecord dedupRecord(List<KeyValue> attributes) {
    String source = null;
    String key = null;
    String messageId = null;
    long deliveryCount = -1;
    for (KeyValue kv : attributes) {
      switch (kv.getKey()) {
        case "lambdascope.dedup.source" -> source = string(kv.getValue());
        case "lambdascope.dedup.key" -> key = string(kv.getValue());
        case "messaging.message.id" -> messageId = string(kv.getValue());
        case "lambdascope.delivery.count" -> deliveryCount = number(kv.getValue());
        default -> { }
      }
    }
    return source == null || key == null || key.isEmpty() ? null
        : new InvocationSpan.DedupRecord(source, key, messageId, deliveryCount);
  }

  private static InvocationSpan.DownstreamThrottle throttle(List<KeyValue> attributes) {
    String service = null;
    String operation = null;
    for (KeyValue kv : attributes) {
      switch (kv.getKey()) {
        case "rpc.service" -> service = string(kv.getValue());
        case "rpc.method" -> operation = string(kv.getValue());
        default -> { }
      }
    }
    return new InvocationSpan.DownstreamThrottle(orDefault(service, "unknown"), orDefault(operation, "unknown"));
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return string(kv.getValue());
      }
    }
    return null;
  }
}
