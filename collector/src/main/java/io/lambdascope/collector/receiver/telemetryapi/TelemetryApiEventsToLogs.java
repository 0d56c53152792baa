package io.lambdascope.collector.receiver.telemetryapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.signal.OtlpAttributes;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private TelemetryApiEventsToLogs() {}

  /**
   * The logs request for one function's batch.
   *
   * @throws Rejection 400 when the body is not a JSON array of events with a string {@code type}
   *     and an ISO-8601 {@code time}; nothing of such a batch is kept
   */
  public static ExportLogsServiceRequest toLogs(
      byte[] body, String function, String functionVersion, long maxEvents, long observedNanos) throws Rejection {
    List<Object> events = parseArray(body, maxEvents);
    Resource.Builder resource = Resource.newBuilder()
        .addAttributes(OtlpAttributes.string("faas.name", function))
        .addAttributes(OtlpAttributes.string("service.name", function));
    if (functionVersion != null && !functionVersion.isBlank()) {
      resource.addAttributes(OtlpAttributes.string("faas.version", functionVersion));
    }
    resource.addAttributes(OtlpAttributes.string("cloud.provider", "aws"))
        .addAttributes(OtlpAttributes.string("cloud.platform", "aws_lambda"));
    ScopeLogs.Builder scope = ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName(SCOPE_NAME));
    for (int i = 0; i < events.size(); i++) {
      scope.addLogRecords(toRecord(events.get(i), i, observedNanos));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource).addScopeLogs(scope))
        .build();
  }

  private static LogRecord toRecord(Object value, int index, long observedNanos) throws Rejection {
    if (!(value instanceof Map<?, ?> event)) {
      throw Rejection.badRequest("event " + index + " is not an object");
    }
    if (!(event.get("type") instanceof String type) || type.isBlank()) {
      throw Rejection.badRequest("event " + index + " has no string \"type\"");
    }
    if (!(event.get("time") instanceof String time)) {
      throw Rejection.badRequest("event " + index + " has no string \"time\"");
    }
    Object record = event.get("record");
    LogRecord.Builder log = LogRecord.newBuilder()
        .setTimeUnixNano(parseTime(time, index))
        .setObservedTimeUnixNano(observedNanos)
        .setEventName(type)
        .setBody(AnyValue.newBuilder().setStringValue(record instanceof String s ? s : toJson(record)));
    log.addAttributes(OtlpAttributes.string("event.name", type));
    if (record instanceof Map<?, ?> r) {
      addString(log, "faas.invocation_id", r.get("requestId"));
      addString(log, "lambdascope.platform.status", r.get("status"));
      addString(log, "lambdascope.platform.error_type", r.get("errorType"));
      addString(log, "lambdascope.platform.init_type", r.get("initializationType"));
      addString(log, "lambdascope.throttle.reason", r.get("reason"));
      if (r.get("metrics") instanceof Map<?, ?> m) {
        addDouble(log, "lambdascope.platform.duration_ms", m.get("durationMs"));
        addInt(log, "lambdascope.platform.billed_duration_ms", m.get("billedDurationMs"));
        addDouble(log, "lambdascope.platform.init_duration_ms", m.get("initDurationMs"));
        addInt(log, "lambdascope.platform.memory_size_mb", m.get("memorySizeMB"));
        addInt(log, "lambdascope.platform.max_memory_used_mb", m.get("maxMemoryUsedMB"));
      }
    }
    return log.build();
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

  private static void addString(LogRecord.Builder log, String key, Object value) {
    if (value instanceof String s && !s.isEmpty()) {
      log.addAttributes(OtlpAttributes.string(key, s));
    }
  }

  private static void addDouble(LogRecord.Builder log, String key, Object value) {
    if (value instanceof Number n) {
      log.addAttributes(KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(n.doubleValue())));
    }
  }

  private static void addInt(LogRecord.Builder log, String key, Object value) {
    if (value instanceof Number n) {
      log.addAttributes(KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(Math.round(n.doubleValue()))));
    }
  }

  private static List<Object> parseArray(byte[] body, long maxEvents) throws Rejection {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw Rejection.badRequest("expected a JSON array of Telemetry API events");
      }
      List<Object> events = new ArrayList<>();
      long[] budget = {maxEvents};
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        events.add(readValue(p, t, budget));
      }
      if (p.nextToken() != null) {
        throw Rejection.badRequest("trailing data after the JSON array");
      }
      return events;
    } catch (StreamConstraintsException e) {
      throw Rejection.badRequest("invalid JSON: nested deeper than " + MAX_DEPTH + " or too long a value");
    } catch (IOException e) {
      String m = e.getMessage() == null ? "malformed" : e.getMessage().lines().findFirst().orElse("malformed");
      throw Rejection.badRequest("invalid JSON: " + abbreviate(m));
    }
  }

  private static Object readValue(JsonParser p, JsonToken t, long[] budget) throws IOException, Rejection {
    if (t == null) {
      throw Rejection.badRequest("invalid JSON: unexpected end");
    }
    switch (t) {
      case START_OBJECT: {
        spend(budget);
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          map.put(name, readValue(p, p.nextToken(), budget));
        }
        return map;
      }
      case START_ARRAY: {
        spend(budget);
        List<Object> list = new ArrayList<>();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(readValue(p, n, budget));
        }
        return list;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getNumberValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw Rejection.badRequest("invalid JSON: unexpected " + t);
    }
  }

  private static void spend(long[] budget) throws Rejection {
    if (--budget[0] < 0) {
      throw new Rejection(Rejection.Reason.TOO_LARGE, "batch holds too many JSON objects");
    }
  }

  private static String toJson(Object value) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      write(g, value);
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to a string cannot fail", e);
    }
    return w.toString();
  }

  private static void write(JsonGenerator g, Object value) throws IOException {
    if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName((String) e.getKey());
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof java.math.BigDecimal d) {
      g.writeNumber(d);
    } else if (value instanceof java.math.BigInteger bi) {
      g.writeNumber(bi);
    } else if (value instanceof Double d) {
      g.writeNumber(d);
    } else if (value instanceof Float f) {
      g.writeNumber(f);
    } else if (value instanceof Number n) {
      g.writeNumber(n.longValue());
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      g.writeNull();
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }
}
