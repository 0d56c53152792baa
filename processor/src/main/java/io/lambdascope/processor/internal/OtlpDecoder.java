package io.lambdascope.processor.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the OTLP protobuf values of the spans and logs topics into {@link SpanFragment}s and {@link
 * PlatformEvent}s. Spans that are not invocation spans (no {@code faas.invocation_id}) and log
 * records that are not platform events are someone else's telemetry: skipped, not failures.
 */
public final class OtlpDecoder {
  public static final String INVALID_PROTOBUF = "invalid_protobuf";
  public static final String EMPTY_VALUE = "empty_value";
  public static final String MISSING_FUNCTION = "missing_function";

  private static final int MAX_STACK_CHARS = 16 * 1024;
  private static final int MAX_MESSAGE_CHARS = 1024;

  private OtlpDecoder() {}

  public static List<SpanFragment> decodeSpans(byte[] key, byte[] value, long recordTimestampMs)
      throws DecodeException {
    if (value == null || value.length == 0) {
      throw new DecodeException(EMPTY_VALUE, "record has no value");
    }
    ExportTraceServiceRequest request;
    try {
      request = ExportTraceServiceRequest.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new DecodeException(INVALID_PROTOBUF, "not an ExportTraceServiceRequest: " + e.getMessage(), e);
    }
    List<SpanFragment> out = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, AnyValue> resource = attributes(rs.getResource());
      String function = functionName(resource, key);
      long maxMemory = number(resource.get("faas.max_memory"));
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          Map<String, AnyValue> a = attributes(span.getAttributesList());
          String invocationId = string(a.get("faas.invocation_id"));
          if (invocationId == null || invocationId.isEmpty()) {
            continue;
          }
          if (function == null) {
            throw new DecodeException(MISSING_FUNCTION, "span " + invocationId + " has no faas.name");
          }
          out.add(fragment(function, maxMemory, span, a, invocationId, recordTimestampMs));
        }
      }
    }
    return out;
  }

  public static List<PlatformEvent> decodeLogs(byte[] key, byte[] value, long recordTimestampMs)
      throws DecodeException {
    if (value == null || value.length == 0) {
      throw new DecodeException(EMPTY_VALUE, "record has no value");
    }
    ExportLogsServiceRequest request;
    try {
      request = ExportLogsServiceRequest.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new DecodeException(INVALID_PROTOBUF, "not an ExportLogsServiceRequest: " + e.getMessage(), e);
    }
    List<PlatformEvent> out = new ArrayList<>();
    for (ResourceLogs rl : request.getResourceLogsList()) {
      Map<String, AnyValue> resource = attributes(rl.getResource());
      String function = functionName(resource, key);
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          Map<String, AnyValue> a = attributes(log.getAttributesList());
          String type = string(a.get("event.name"));
          if (type == null || type.isEmpty()) {
            type = log.getEventName();
          }
          if (type == null || !(type.startsWith("platform.") || type.startsWith("lambdascope."))) {
            continue;
          }
          if (function == null) {
            throw new DecodeException(MISSING_FUNCTION, "platform event " + type + " has no faas.name");
          }
          long time = log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
          out.add(new PlatformEvent(
              function,
              type,
              string(a.get("faas.invocation_id")),
              recordTimestampMs,
              time,
              string(a.get("lambdascope.platform.status")),
              string(a.get("lambdascope.platform.error_type")),
              decimal(a.get("lambdascope.platform.duration_ms")),
              decimal(a.get("lambdascope.platform.init_duration_ms")),
              number(a.get("lambdascope.platform.memory_size_mb")),
              number(a.get("lambdascope.platform.max_memory_used_mb")),
              string(a.get("lambdascope.throttle.reason"))));
        }
      }
    }
    return out;
  }

  private static SpanFragment fragment(
      String function, long maxMemory, Span span, Map<String, AnyValue> a, String invocationId, long ts) {
    String outcome = string(a.get("lambdascope.outcome"));
    if (outcome == null) {
      outcome = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR ? "error" : "success";
    }
    List<SpanFragment.DedupRecord> records = new ArrayList<>();
    List<SpanFragment.DownstreamThrottle> throttles = new ArrayList<>();
    String timeoutStack = null;
    String exceptionMessage = null;
    for (Span.Event event : span.getEventsList()) {
      Map<String, AnyValue> ea = attributes(event.getAttributesList());
      switch (event.getName()) {
        case "lambdascope.record" -> {
          String source = string(ea.get("lambdascope.dedup.source"));
          String dedupKey = string(ea.get("lambdascope.dedup.key"));
          if (source != null && dedupKey != null && !dedupKey.isEmpty()) {
            records.add(new SpanFragment.DedupRecord(
                source, dedupKey, string(ea.get("messaging.message.id")),
                number(ea.get("lambdascope.delivery.count"))));
          }
        }
        case "lambdascope.downstream_throttle" -> throttles.add(new SpanFragment.DownstreamThrottle(
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
    return new SpanFragment(
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

  /** Keys the function by faas.name, else service.name, else the Kafka key the collector wrote. */
  private static String functionName(Map<String, AnyValue> resource, byte[] key) {
    String name = string(resource.get("faas.name"));
    if (name == null || name.isEmpty()) {
      name = string(resource.get("service.name"));
    }
    if ((name == null || name.isEmpty()) && key != null && key.length > 0) {
      name = new String(key, StandardCharsets.UTF_8);
    }
    return name == null || name.isEmpty() ? null : name;
  }

  private static Map<String, AnyValue> attributes(Resource resource) {
    return attributes(resource.getAttributesList());
  }

  private static Map<String, AnyValue> attributes(List<KeyValue> list) {
    Map<String, AnyValue> map = new HashMap<>(list.size() * 2);
    for (KeyValue kv : list) {
      map.put(kv.getKey(), kv.getValue());
    }
    return map;
  }

  private static String string(AnyValue v) {
    if (v == null) {
      return null;
    }
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      default -> null;
    };
  }

  /** Integers as the agent sends them; lenient about doubles and numeric strings (JSON clients). */
  private static long number(AnyValue v) {
    if (v == null) {
      return -1;
    }
    switch (v.getValueCase()) {
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return (long) v.getDoubleValue();
      case STRING_VALUE:
        try {
          return (long) Double.parseDouble(v.getStringValue());
        } catch (NumberFormatException e) {
          return -1;
        }
      default:
        return -1;
    }
  }

  private static double decimal(AnyValue v) {
    if (v == null) {
      return Double.NaN;
    }
    switch (v.getValueCase()) {
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return v.getDoubleValue();
      case STRING_VALUE:
        try {
          return Double.parseDouble(v.getStringValue());
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
      default:
        return Double.NaN;
    }
  }

  private static Boolean bool(AnyValue v) {
    if (v == null) {
      return null;
    }
    return switch (v.getValueCase()) {
      case BOOL_VALUE -> v.getBoolValue();
      case STRING_VALUE -> Boolean.parseBoolean(v.getStringValue());
      default -> null;
    };
  }

  private static String orDefault(String v, String dflt) {
    return v == null || v.isEmpty() ? dflt : v;
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static String hex(ByteString bytes) {
    char[] out = new char[bytes.size() * 2];
    for (int i = 0; i < bytes.size(); i++) {
      int b = bytes.byteAt(i) & 0xff;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out);
  }
}
