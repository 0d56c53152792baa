package io.lambdascope.processor.decode;

import static io.lambdascope.processor.decode.OtlpAttributes.decimal;
import static io.lambdascope.processor.decode.OtlpAttributes.number;
import static io.lambdascope.processor.decode.OtlpAttributes.string;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a value of the logs topic into {@link PlatformEvent}s (docs/telemetry.md section 2). Log
 * records that are not platform events are someone else's telemetry: skipped, not failures.
 */
public final class PlatformEventDecoder {
  private PlatformEventDecoder() {}

  public static List<PlatformEvent> decode(byte[] key, byte[] value, long recordTimestampMs) throws DecodeException {
    ExportLogsServiceRequest request =
        OtlpAttributes.parse(value, ExportLogsServiceRequest.parser(), "ExportLogsServiceRequest");
    List<PlatformEvent> out = new ArrayList<>();
    for (ResourceLogs rl : request.getResourceLogsList()) {
      Map<String, AnyValue> resource = OtlpAttributes.map(rl.getResource().getAttributesList());
      String function = OtlpAttributes.functionName(resource, key);
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord log : sl.getLogRecordsList()) {
          Map<String, AnyValue> a = OtlpAttributes.map(log.getAttributesList());
          String type = string(a.get("event.name"));
          if (type == null || type.isEmpty()) {
            type = log.getEventName();
          }
          if (type == null || !(type.startsWith("platform.") || type.startsWith("lambdascope."))) {
            continue;
          }
          if (function == null) {
            throw new DecodeException(DecodeException.MISSING_FUNCTION, "platform event " + type + " has no faas.name");
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
}
