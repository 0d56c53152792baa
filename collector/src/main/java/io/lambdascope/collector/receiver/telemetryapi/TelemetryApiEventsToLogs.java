package io.lambdascope.collector.receiver.telemetryapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.receiver.telemetryapi.TelemetryApiEvent.PlatformRecord;
import io.lambdascope.collector.receiver.telemetryapi.TelemetryApiEvent.ReportMetrics;
import io.lambdascope.collector.signal.KeyValues;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Turns a batch of AWS Lambda Telemetry API events into one OTLP logs request, one log record per
 * event, with the attributes of docs/telemetry.md section 2.
 */
public final class TelemetryApiEventsToLogs {
  public static final String SCOPE_NAME = "io.lambdascope.collector.platform";
  private static final int MAX_DEPTH = 32;
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();
  private static final ObjectMapper MAPPER = TelemetryApiEvent.mapper(JSON);

  private TelemetryApiEventsToLogs() {}

  /**
   * The logs request for one function's batch.
   *
   * @param maxObjects how many JSON objects and arrays the batch may hold (its own array aside)
   * @throws Rejection 400 when the body is not a JSON array of events with a string {@code type}
   *     and an ISO-8601 {@code time}, 413 past {@code maxObjects}; nothing of such a batch is kept
   */
  public static ExportLogsServiceRequest toLogs(
      byte[] body, FunctionIdentity function, long maxObjects, long observedNanos) throws Rejection {
    TelemetryApiEvent[] events = read(body, maxObjects);
    ScopeLogs.Builder scope = ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName(SCOPE_NAME));
    for (int i = 0; i < events.length; i++) {
      scope.addLogRecords(toRecord(events[i], i, observedNanos));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(function.resource()).addScopeLogs(scope))
        .build();
  }

  private static LogRecord toRecord(TelemetryApiEvent event, int index, long observedNanos) throws Rejection {
    if (event == null) {
      throw Rejection.badRequest("event " + index + " is not an object");
    }
    if (event.type() == null || event.type().isBlank()) {
      throw Rejection.badRequest("event " + index + " has no string \"type\"");
    }
    if (event.time() == null) {
      throw Rejection.badRequest("event " + index + " has no string \"time\"");
    }
    LogRecord.Builder log = LogRecord.newBuilder()
        .setTimeUnixNano(parseTime(event.time(), index))
        .setObservedTimeUnixNano(observedNanos)
        .setEventName(event.type())
        .setBody(AnyValue.newBuilder().setStringValue(body(event.record())));
    log.addAttributes(KeyValues.string("event.name", event.type()));
    PlatformRecord r = MAPPER.convertValue(event.record(), PlatformRecord.class);
    if (r != null) {
      addString(log, "faas.invocation_id", r.requestId());
      addString(log, "lambdascope.platform.status", r.status());
      addString(log, "lambdascope.platform.error_type", r.errorType());
      addString(log, "lambdascope.platform.init_type", r.initializationType());
      addString(log, "lambdascope.throttle.reason", r.reason());
      ReportMetrics m = r.metrics();
      if (m != null) {
        addDouble(log, "lambdascope.platform.duration_ms", m.durationMs());
        addInt(log, "lambdascope.platform.billed_duration_ms", m.billedDurationMs());
        addDouble(log, "lambdascope.platform.init_duration_ms", m.initDurationMs());
        addInt(log, "lambdascope.platform.memory_size_mb", m.memorySizeMB());
        addInt(log, "lambdascope.platform.max_memory_used_mb", m.maxMemoryUsedMB());
      }
    }
    return log.build();
  }

  /** The record as sent: a string as it is, anything else (null and absent too) as JSON. */
  private static String body(JsonNode record) {
    if (record != null && record.isTextual()) {
      return record.textValue();
    }
    try {
      return MAPPER.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing JSON to a string cannot fail", e);
    }
  }

  private static long parseTime(String time, int index) throws Rejection {
    Instant instant;
    try {
      instant = OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      try {
        instant = Instant.parse(time);
      } catch (DateTimeParseException e2) {
        throw Rejection.badRequest("event " + index + " has a \"time\" that is not ISO-8601: " + abbreviate(time));
      }
    }
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static void addString(LogRecord.Builder log, String key, String value) {
    if (value != null && !value.isEmpty()) {
      log.addAttributes(KeyValues.string(key, value));
    }
  }

  private static void addDouble(LogRecord.Builder log, String key, Double value) {
    if (value != null) {
      log.addAttributes(KeyValues.doubleValue(key, value));
    }
  }

  private static void addInt(LogRecord.Builder log, String key, Double value) {
    if (value != null) {
      log.addAttributes(KeyValues.intValue(key, Math.round(value)));
    }
  }

  /** The events of the batch, null where an element is not an object. */
  private static TelemetryApiEvent[] read(byte[] body, long maxObjects) throws Rejection {
    try {
      checkShape(body, maxObjects);
      // Bound from the tree, not the bytes: the tree keeps the last of repeated keys, where binding
      // a record straight from the bytes would fail on them.
      return MAPPER.treeToValue(MAPPER.readTree(body), TelemetryApiEvent[].class);
    } catch (StreamConstraintsException e) {
      throw Rejection.badRequest("invalid JSON: nested deeper than " + MAX_DEPTH + " or too long a value");
    } catch (IOException e) {
      String m = e.getMessage() == null ? "malformed" : e.getMessage().lines().findFirst().orElse("malformed");
      throw Rejection.badRequest("invalid JSON: " + abbreviate(m));
    }
  }

  /**
   * One streaming pass before anything is built: the body is a single JSON array, well formed (every
   * string and number read, as binding will), and holds at most {@code maxObjects} objects and
   * arrays (a small body of many empty objects would otherwise become a heap of nodes many times its
   * size).
   */
  private static void checkShape(byte[] body, long maxObjects) throws IOException, Rejection {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw Rejection.badRequest("expected a JSON array of Telemetry API events");
      }
      long budget = maxObjects;
      int open = 1;
      while (open > 0) {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw Rejection.badRequest("invalid JSON: unexpected end");
        }
        if (t.isStructStart()) {
          if (--budget < 0) {
            throw new Rejection(Rejection.Reason.TOO_LARGE, "batch holds too many JSON objects");
          }
          open++;
        } else if (t.isStructEnd()) {
          open--;
        } else if (t == JsonToken.VALUE_STRING) {
          p.getText();
        } else if (t.isNumeric()) {
          p.getNumberValue();
        }
      }
      if (p.nextToken() != null) {
        throw Rejection.badRequest("trailing data after the JSON array");
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }
}
