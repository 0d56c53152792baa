package io.lambdascope.processor.decode;

import static io.lambdascope.processor.decode.OtlpAttributes.decimal;
import static io.lambdascope.processor.decode.OtlpAttributes.number;
import static io.lambdascope.processor.decode.OtlpAttributes.string;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request of the logs topic into {@link PlatformEvent}s (docs/telemetry.md section 2). Log
 * records that are not platform events are someone else's telemetry: skipped, not failures.
 */
public final class PlatformEventDecoder {
  private PlatformEventDecoder() {}

  public static List<PlatformEvent> decode(ExportLogsServiceRequest request, long recordTimestampMs)
      throws DecodeException {
    List<PlatformEvent> out = new ArrayList<>(1);
    for (ResourceLogs rl : request.getResourceLogsList()) {
      OtlpAttributes.ResourceFacts resource = OtlpAttributes.resource(rl.getResource().getAttributesList());
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          PlatformEvent event = event(resource, log, recordTimestampMs);
          if (event != null) {
            out.add(event);
          }
        }
      }
    }
    return out;
  }

  private static PlatformEvent event(OtlpAttributes.ResourceFacts resource, LogRecord log, long ts)
      throws DecodeException {
    String type = null;
    String invocationId = null;
    String status = null;
    String errorType = null;
    double duration = Double.NaN;
    long billed = -1;
    double init = Double.NaN;
    double restore = Double.NaN;
    long memorySize = -1;
    long maxUsed = -1;
    String initType = null;
    String phase = null;
    for (KeyValue kv : log.getAttributesList()) {
      AnyValue v = kv.getValue();
      switch (kv.getKey()) {
        case "event.name" -> type = string(v);
        case "faas.invocation_id" -> invocationId = string(v);
        case "lambdascope.platform.status" -> status = string(v);
        case "lambdascope.platform.error_type" -> errorType = string(v);
        case "lambdascope.platform.duration_ms" -> duration = decimal(v);
        case "lambdascope.platform.billed_duration_ms" -> billed = number(v);
        case "lambdascope.platform.init_duration_ms" -> init = decimal(v);
        case "lambdascope.platform.restore_duration_ms" -> restore = decimal(v);
        case "lambdascope.platform.memory_size_mb" -> memorySize = number(v);
        case "lambdascope.platform.max_memory_used_mb" -> maxUsed = number(v);
        case "lambdascope.platform.init_type" -> initType = string(v);
        case "lambdascope.platform.phase" -> phase = string(v);
        default -> { }
      }
    }
    if (type == null || type.isEmpty()) {
      type = log.getEventName();
    }
    if (type == null || !(type.startsWith("platform.") || type.startsWith("lambdascope."))) {
      return null;
    }
    if (resource.name() == null) {
      throw new DecodeException(DecodeException.MISSING_FUNCTION, "platform event " + type + " has no faas.name");
    }
    if (PlatformEvent.REPORT.equals(type) && Double.isNaN(restore) && log.getBody().hasStringValue()) {
      // restoreDurationMs (SnapStart) may only be in the body, the event's record as JSON.
      restore = OtlpAttributes.jsonNumber(log.getBody().getStringValue(), "restoreDurationMs");
    }
    if (initType == null && (type.startsWith("platform.init")) && log.getBody().hasStringValue()) {
      String body = log.getBody().getStringValue();
      initType = jsonString(body, "initializationType");
      phase = phase == null ? jsonString(body, "phase") : phase;
    }
    long time = log.getTimeUnixNano() != 0 ? log.getTimeUnixNano() : log.getObservedTimeUnixNano();
    return new PlatformEvent(resource.id(null), resource.version(), resource.instance(), type, invocationId, ts, time,
        status, errorType, duration, billed, init, restore, memorySize, maxUsed, initType, phase);
  }

  /** The string after {@code "key":} in a JSON text, or null (no escapes: the values asked for have none). */
  private static String jsonString(String json, String key) {
    int at = json.indexOf("\"" + key + "\"");
    if (at < 0) {
      return null;
    }
    int colon = json.indexOf(':', at + key.length() + 2);
    int open = colon < 0 ? -1 : json.indexOf('"', colon + 1);
    if (open < 0 || !json.substring(colon + 1, open).isBlank()) {
      return null;
    }
    int close = json.indexOf('"', open + 1);
    return close < 0 ? null : json.substring(open + 1, close);
  }
}
