package io.lambdascope.collector.receiver.telemetryapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.collector.admission.Rejection;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact OTLP logs request a batch of Telemetry API events becomes (docs/telemetry.md section
 * 2): attribute order and types, bodies byte for byte, values of another JSON type left out, and
 * the refusals with their words.
 */
class TelemetryApiEventsToLogsTest {
  private static final long OBSERVED = 1_800_000_000_123_456_789L;

  private static ExportLogsServiceRequest convert(String batch, String version, long maxObjects) throws Rejection {
    return TelemetryApiEventsToLogs.toLogs(batch.getBytes(StandardCharsets.UTF_8),
        new FunctionIdentity("checkout", version, null, null, null), maxObjects, OBSERVED);
  }

  @Test
  void everyContractAttributeWithItsTypeInOrder() throws Exception {
    String batch = """
        [{"time":"2026-11-29T10:00:00.000Z","type":"platform.initStart",
          "record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"java:17"}},
         {"time":"2026-11-29T10:00:02.5+02:00","type":"platform.report",
          "record":{"requestId":"r-1","status":"timeout","errorType":"Sandbox.Timedout",
                    "metrics":{"durationMs":3000,"billedDurationMs":3001.6,"memorySizeMB":512.0,
                               "maxMemoryUsedMB":180,"initDurationMs":812.4},"spans":[1,2.50,true,null]}},
         {"time":"2026-11-29T10:00:03.123456789Z","type":"lambdascope.throttle",
          "record":{"requestId":"r-2","reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}}]
        """;

    ExportLogsServiceRequest logs = convert(batch, "7", 1000);

    ExportLogsServiceRequest expected = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(string("faas.name", "checkout")).addAttributes(string("service.name", "checkout"))
            .addAttributes(string("faas.version", "7")).addAttributes(string("cloud.provider", "aws"))
            .addAttributes(string("cloud.platform", "aws_lambda")))
        .addScopeLogs(ScopeLogs.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.lambdascope.collector.platform"))
            .addLogRecords(record("2026-11-29T10:00:00Z", "platform.initStart",
                "{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":\"java:17\"}",
                string("lambdascope.platform.init_type", "on-demand")))
            .addLogRecords(record("2026-11-29T08:00:02.5Z", "platform.report",
                "{\"requestId\":\"r-1\",\"status\":\"timeout\",\"errorType\":\"Sandbox.Timedout\","
                    + "\"metrics\":{\"durationMs\":3000,\"billedDurationMs\":3001.6,\"memorySizeMB\":512.0,"
                    + "\"maxMemoryUsedMB\":180,\"initDurationMs\":812.4},\"spans\":[1,2.5,true,null]}",
                string("faas.invocation_id", "r-1"), string("lambdascope.platform.status", "timeout"),
                string("lambdascope.platform.error_type", "Sandbox.Timedout"),
                number("lambdascope.platform.duration_ms", 3000.0), integer("lambdascope.platform.billed_duration_ms", 3002),
                number("lambdascope.platform.init_duration_ms", 812.4), integer("lambdascope.platform.memory_size_mb", 512),
                integer("lambdascope.platform.max_memory_used_mb", 180)))
            .addLogRecords(record("2026-11-29T10:00:03.123456789Z", "lambdascope.throttle",
                "{\"requestId\":\"r-2\",\"reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}",
                string("faas.invocation_id", "r-2"),
                string("lambdascope.throttle.reason", "ReservedFunctionConcurrentInvocationLimitExceeded")))))
        .build();
    assertEquals(expected, logs);
  }

  @Test
  void valuesOfAnotherJsonTypeAreLeftOutAndBodiesKeepWhatWasSent() throws Exception {
    String batch = """
        [{"time":"2026-11-29T10:00:00Z","type":"platform.runtimeDone",
          "record":{"requestId":5,"status":"","errorType":{"a":1},"initializationType":["x"],"reason":true,
                    "metrics":{"durationMs":"3","billedDurationMs":100000000000000000000,"memorySizeMB":null,
                               "maxMemoryUsedMB":[1],"initDurationMs":{"v":1}}}},
         {"time":"2026-11-29T10:00:00Z","type":"platform.report","record":{"requestId":"r","metrics":"fast"}},
         {"time":"2026-11-29T10:00:00Z","type":"platform.custom","record":"plain text, not JSON"},
         {"time":"2026-11-29T10:00:00Z","type":"platform.custom","record":null},
         {"time":"2026-11-29T10:00:00Z","type":"platform.custom"},
         {"time":"2026-11-29T10:00:00Z","type":"platform.custom","record":[1e2,-0.0,12345678901234567890]},
         {"time":"2026-11-29T10:00:00Z","type":"platform.custom","record":42},
         {"type":"ignored","time":"2026-11-29T10:00:00Z","type":"platform.start",
          "record":{"requestId":"first","version":"$LATEST","requestId":"last"},"extra":{"deep":[{}]}},
         {"time":"2026-11-29T10:00:00Z","type":"platform.custom","record":"first","record":{"requestId":"second"}}]
        """;

    List<LogRecord> records = convert(batch, "  ", 1000).getResourceLogs(0).getScopeLogs(0).getLogRecordsList();

    assertEquals(List.of(
        record("2026-11-29T10:00:00Z", "platform.runtimeDone",
            "{\"requestId\":5,\"status\":\"\",\"errorType\":{\"a\":1},\"initializationType\":[\"x\"],\"reason\":true,"
                + "\"metrics\":{\"durationMs\":\"3\",\"billedDurationMs\":100000000000000000000,\"memorySizeMB\":null,"
                + "\"maxMemoryUsedMB\":[1],\"initDurationMs\":{\"v\":1}}}",
            integer("lambdascope.platform.billed_duration_ms", Long.MAX_VALUE)),
        record("2026-11-29T10:00:00Z", "platform.report", "{\"requestId\":\"r\",\"metrics\":\"fast\"}",
            string("faas.invocation_id", "r")),
        record("2026-11-29T10:00:00Z", "platform.custom", "plain text, not JSON"),
        record("2026-11-29T10:00:00Z", "platform.custom", "null"),
        record("2026-11-29T10:00:00Z", "platform.custom", "null"),
        record("2026-11-29T10:00:00Z", "platform.custom", "[100.0,-0.0,12345678901234567890]"),
        record("2026-11-29T10:00:00Z", "platform.custom", "42"),
        record("2026-11-29T10:00:00Z", "platform.start", "{\"requestId\":\"last\",\"version\":\"$LATEST\"}",
            string("faas.invocation_id", "last")),
        record("2026-11-29T10:00:00Z", "platform.custom", "{\"requestId\":\"second\"}",
            string("faas.invocation_id", "second"))), records);
  }

  @Test
  void noVersionMeansNoFaasVersion() throws Exception {
    Resource resource = convert("[]", null, 10).getResourceLogs(0).getResource();
    assertEquals(List.of(string("faas.name", "checkout"), string("service.name", "checkout"),
        string("cloud.provider", "aws"), string("cloud.platform", "aws_lambda")), resource.getAttributesList());
  }

  @Test
  void accountRegionAndInstanceAreResourceAttributes() throws Exception {
    FunctionIdentity id = new FunctionIdentity(" checkout ", "7", "123456789012", "eu-west-1", "2026/11/29/[7]abc");
    Resource resource = TelemetryApiEventsToLogs.toLogs("[]".getBytes(StandardCharsets.UTF_8), id, 10, OBSERVED)
        .getResourceLogs(0).getResource();
    assertEquals(List.of(string("faas.name", "checkout"), string("service.name", "checkout"),
        string("faas.version", "7"), string("cloud.account.id", "123456789012"), string("cloud.region", "eu-west-1"),
        string("faas.instance", "2026/11/29/[7]abc"), string("cloud.provider", "aws"),
        string("cloud.platform", "aws_lambda")), resource.getAttributesList());
    assertEquals(FunctionIdentity.named("checkout"), new FunctionIdentity("checkout", " ", "", null, "\t"),
        "blank optional values count as absent");
  }

  @Test
  void aBatchThatBreaksTheSchemaIsRefusedWholeInTheCollectorsWords() {
    String time = "\"time\":\"2026-11-29T10:00:00Z\"";
    assertRefused(400, "expected a JSON array of Telemetry API events", "{\"type\":\"platform.start\"}");
    assertRefused(400, "event 1 is not an object", "[{" + time + ",\"type\":\"a\"},7]");
    assertRefused(400, "event 0 is not an object", "[null]");
    assertRefused(400, "event 0 has no string \"type\"", "[{" + time + "}]");
    assertRefused(400, "event 0 has no string \"type\"", "[{" + time + ",\"type\":\" \"}]");
    assertRefused(400, "event 0 has no string \"type\"", "[{" + time + ",\"type\":5}]");
    assertRefused(400, "event 0 has no string \"time\"", "[{\"type\":\"a\",\"time\":1764410400}]");
    assertRefused(400, "event 0 has a \"time\" that is not ISO-8601: yesterday", "[{\"type\":\"a\",\"time\":\"yesterday\"}]");
    assertRefused(400, "trailing data after the JSON array", "[] []");
    assertRefused(400, "invalid JSON: nested deeper than 32 or too long a value", "[" + "[".repeat(40) + "]".repeat(41));
    // The parser's own words follow, cut to one line of at most 100 characters.
    Rejection truncated = assertThrows(Rejection.class, () -> convert("[{\"type\":\"a\"}", null, 1000));
    assertEquals(400, truncated.status());
    assertTrue(truncated.getMessage().startsWith("invalid JSON: Unexpected end-of-input"), truncated.getMessage());
    assertTrue(truncated.getMessage().length() <= "invalid JSON: ".length() + 103, truncated.getMessage());
    // Every object and array inside the batch counts against the limit, the batch's own array not.
    String two = "[{" + time + ",\"type\":\"a\",\"record\":{}}]";
    assertEquals(1, assertDoesNotRefuse(two, 2));
    assertRefused(413, "batch holds too many JSON objects", two, 1);
  }

  private static int assertDoesNotRefuse(String batch, long maxObjects) {
    try {
      return convert(batch, null, maxObjects).getResourceLogs(0).getScopeLogs(0).getLogRecordsCount();
    } catch (Rejection r) {
      throw new AssertionError("refused: " + r.getMessage(), r);
    }
  }

  private static void assertRefused(int status, String message, String batch) {
    assertRefused(status, message, batch, 1000);
  }

  private static void assertRefused(int status, String message, String batch, long maxObjects) {
    Rejection r = assertThrows(Rejection.class, () -> convert(batch, null, maxObjects), batch);
    assertEquals(status, r.status(), batch);
    assertEquals(message, r.getMessage(), batch);
  }

  private static LogRecord record(String time, String type, String body, KeyValue... attributes) {
    Instant t = Instant.parse(time);
    LogRecord.Builder b = LogRecord.newBuilder()
        .setTimeUnixNano(t.getEpochSecond() * 1_000_000_000L + t.getNano())
        .setObservedTimeUnixNano(OBSERVED)
        .setEventName(type)
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .addAttributes(string("event.name", type));
    for (KeyValue kv : attributes) {
      b.addAttributes(kv);
    }
    return b.build();
  }

  private static KeyValue string(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue number(String key, double value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setDoubleValue(value)).build();
  }

  private static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}
