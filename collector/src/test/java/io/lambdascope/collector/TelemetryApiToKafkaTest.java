package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Telemetry API events become OTLP log records with the attributes of docs/telemetry.md section 2. */
class TelemetryApiToKafkaTest {
  private static Collector collector;

  @BeforeAll
  static void start() {
    collector = Collector.start(TestKafka.config("platform").build());
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  @Test
  void eventsBecomeLogRecordsWithTheContractAttributes() throws Exception {
    String batch = """
        [
         {"time":"2026-11-29T10:00:00.000Z","type":"platform.initStart",
          "record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"java:17"}},
         {"time":"2026-11-29T10:00:01.250Z","type":"platform.start","record":{"requestId":"r-1","version":"$LATEST"}},
         {"time":"2026-11-29T10:00:02.000Z","type":"platform.report",
          "record":{"requestId":"r-1","status":"timeout","errorType":"Sandbox.Timedout",
                    "metrics":{"durationMs":3000.52,"billedDurationMs":3001,"memorySizeMB":512,
                               "maxMemoryUsedMB":180,"initDurationMs":812.4}}},
         {"time":"2026-11-29T10:00:03Z","type":"lambdascope.throttle",
          "record":{"requestId":"r-2","reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}}
        ]
        """;

    HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/lambda/telemetry", "application/json",
        batch.getBytes(StandardCharsets.UTF_8),
        "X-Lambdascope-Function", "checkout", "X-Lambdascope-Function-Version", "7",
        "X-Lambdascope-Account", "123456789012", "X-Lambdascope-Region", "eu-west-1",
        "X-Lambdascope-Instance", "2026/11/29/[7]0123abcd");

    assertEquals(200, r.statusCode(), Http.text(r));
    List<ConsumerRecord<byte[], byte[]>> records =
        TestKafka.read(TestKafka.bootstrap(), collector.config().topicLogs(), 1, Duration.ofSeconds(20));
    assertEquals(1, records.size());
    assertEquals("default/123456789012/eu-west-1/checkout", new String(records.get(0).key(), StandardCharsets.UTF_8));
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.parseFrom(records.get(0).value());
    ResourceLogs rl = logs.getResourceLogs(0);
    assertEquals(Map.of("faas.name", "checkout", "service.name", "checkout", "faas.version", "7",
        "cloud.account.id", "123456789012", "cloud.region", "eu-west-1", "faas.instance", "2026/11/29/[7]0123abcd",
        "cloud.provider", "aws", "cloud.platform", "aws_lambda", "lambdascope.tenant", "default"),
        strings(rl.getResource().getAttributesList()));
    List<LogRecord> recs = rl.getScopeLogs(0).getLogRecordsList();
    assertEquals(4, recs.size());

    LogRecord init = recs.get(0);
    assertEquals(Instant.parse("2026-11-29T10:00:00Z").toEpochMilli() * 1_000_000L, init.getTimeUnixNano());
    assertEquals(Map.of("event.name", "platform.initStart", "lambdascope.platform.init_type", "on-demand"),
        strings(init.getAttributesList()));
    assertEquals("java:17", new JsonObject(init.getBody().getStringValue()).getString("runtimeVersion"));

    LogRecord report = recs.get(2);
    assertEquals(Instant.parse("2026-11-29T10:00:02Z").toEpochMilli() * 1_000_000L, report.getTimeUnixNano());
    Map<String, AnyValue> attrs = values(report.getAttributesList());
    assertEquals("platform.report", attrs.get("event.name").getStringValue());
    assertEquals("r-1", attrs.get("faas.invocation_id").getStringValue());
    assertEquals("timeout", attrs.get("lambdascope.platform.status").getStringValue());
    assertEquals("Sandbox.Timedout", attrs.get("lambdascope.platform.error_type").getStringValue());
    assertEquals(3000.52, attrs.get("lambdascope.platform.duration_ms").getDoubleValue());
    assertEquals(3001, attrs.get("lambdascope.platform.billed_duration_ms").getIntValue());
    assertEquals(812.4, attrs.get("lambdascope.platform.init_duration_ms").getDoubleValue());
    assertEquals(512, attrs.get("lambdascope.platform.memory_size_mb").getIntValue());
    assertEquals(180, attrs.get("lambdascope.platform.max_memory_used_mb").getIntValue());
    assertEquals(9, attrs.size());
    assertEquals(3000.52, new JsonObject(report.getBody().getStringValue()).getJsonObject("metrics").getDouble("durationMs"));

    assertEquals(Map.of("event.name", "lambdascope.throttle", "faas.invocation_id", "r-2",
        "lambdascope.throttle.reason", "ReservedFunctionConcurrentInvocationLimitExceeded"),
        strings(recs.get(3).getAttributesList()));

    Map<String, Double> metrics = Scrape.of(collector.port());
    assertEquals(4.0, metrics.get("lambdascope_collector_items_received_total{signal=\"platform\"}"));
    assertEquals(4.0, metrics.get("lambdascope_collector_items_accepted_total{signal=\"platform\"}"));
  }

  @Test
  void malformedBatchesAreRefusedWholeAndWriteNothing() {
    String topic = collector.config().topicLogs();
    int before = TestKafka.readAll(TestKafka.bootstrap(), topic).size();
    byte[] ok = "[{\"time\":\"2026-11-29T10:00:00Z\",\"type\":\"platform.start\",\"record\":{}}]".getBytes(StandardCharsets.UTF_8);
    assertEquals(400, Http.post(collector.port(), "/v1/lambda/telemetry", "application/json", ok).statusCode(),
        "the function header is required");
    for (String bad : List.of("{\"type\":\"platform.start\"}", "[{\"type\":\"platform.start\",\"time\":\"yesterday\"}]",
        "[{\"time\":\"2026-11-29T10:00:00Z\"}]", "[1,2]", "[{\"time\":\"2026-11-29T10:00:00Z\",\"type\":\"x\"}",
        "[{\"time\":\"2026-11-29T10:00:00Z\",\"type\":\"ok\",\"record\":{}}, \"garbage\"]")) {
      HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/lambda/telemetry", "application/json",
          bad.getBytes(StandardCharsets.UTF_8), "X-Lambdascope-Function", "f");
      assertEquals(400, r.statusCode(), bad);
      assertTrue(new JsonObject(Http.text(r)).getString("message").length() > 5, Http.text(r));
    }
    assertEquals(415, Http.post(collector.port(), "/v1/lambda/telemetry", "application/x-protobuf", ok,
        "X-Lambdascope-Function", "f").statusCode());
    for (String header : List.of("X-Lambdascope-Function", "X-Lambdascope-Function-Version", "X-Lambdascope-Account",
        "X-Lambdascope-Region", "X-Lambdascope-Instance")) {
      String[] headers = header.equals("X-Lambdascope-Function")
          ? new String[] {header, "x".repeat(257)}
          : new String[] {"X-Lambdascope-Function", "f", header, "x".repeat(257)};
      HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/lambda/telemetry", "application/json", ok, headers);
      assertEquals(400, r.statusCode(), header);
      assertEquals(header + " is longer than 256 characters", new JsonObject(Http.text(r)).getString("message"));
    }
    assertEquals(before, TestKafka.readAll(TestKafka.bootstrap(), topic).size());
  }

  private static Map<String, String> strings(List<KeyValue> kvs) {
    Map<String, String> m = new LinkedHashMap<>();
    kvs.forEach(kv -> m.put(kv.getKey(), kv.getValue().getStringValue()));
    return m;
  }

  private static Map<String, AnyValue> values(List<KeyValue> kvs) {
    Map<String, AnyValue> m = new LinkedHashMap<>();
    kvs.forEach(kv -> m.put(kv.getKey(), kv.getValue()));
    return m;
  }
}
