package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Metrics and logs, OTLP JSON with hex ids, gzip, partial_success, tenant stamping, splitting. */
class OtlpEncodingsTest {
  private static final String PROTO = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static Collector collector;
  private static String bootstrap;

  @BeforeAll
  static void start() {
    bootstrap = TestKafka.bootstrap();
    // A small producer request size makes a resource of a few hundred spans bigger than one Kafka message.
    collector = Collector.start(TestKafka.config("encodings").kafkaProperty("max.request.size", "32768").build());
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  @Test
  void metricsGoToTheMetricsTopicWithDataPointsCounted() throws Exception {
    Metric gauge = Metric.newBuilder().setName("faas.mem_usage").setUnit("By")
        .setGauge(Gauge.newBuilder()
            .addDataPoints(NumberDataPoint.newBuilder().setAsInt(1234).setTimeUnixNano(1))
            .addDataPoints(NumberDataPoint.newBuilder().setAsInt(2345).setTimeUnixNano(2)))
        .build();
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder().setResource(Otlp.resource("metered"))
            .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(gauge)))
        .build();

    HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/metrics", PROTO, request.toByteArray());

    assertEquals(200, r.statusCode(), Http.text(r));
    List<ConsumerRecord<byte[], byte[]>> records = TestKafka.read(bootstrap, collector.config().topicMetrics(), 1, Duration.ofSeconds(20));
    assertEquals(1, records.size());
    ExportMetricsServiceRequest stored = ExportMetricsServiceRequest.parseFrom(records.get(0).value());
    assertEquals(gauge, stored.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0));
    assertEquals("default///metered", new String(records.get(0).key(), StandardCharsets.UTF_8));
    Map<String, Double> metrics = Scrape.of(collector.port());
    assertEquals(2.0, metrics.get("lambdascope_collector_items_received_total{signal=\"metrics\"}"));
    assertEquals(2.0, metrics.get("lambdascope_collector_items_accepted_total{signal=\"metrics\"}"));
  }

  @Test
  void jsonWithHexIdsIsStoredAsProtobufWithTheSameIds() throws Exception {
    String traceId = "5B8EFFF798038103D269B633813FC60C";
    String spanId = "eee19b7ec3c1b174";
    String json = """
        {"resourceSpans":[{"resource":{"attributes":[
            {"key":"faas.name","value":{"stringValue":"json-fn"}},
            {"key":"lambdascope.tenant","value":{"stringValue":"spoofed"}}]},
          "scopeSpans":[{"scope":{"name":"io.lambdascope.agent"},"spans":[
            {"traceId":"%s","spanId":"%s","parentSpanId":"","name":"json-fn","kind":2,
             "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
             "attributes":[{"key":"faas.coldstart","value":{"boolValue":true}},
                           {"key":"lambdascope.init.duration_ms","value":{"intValue":"812"}}],
             "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
             "unknownFieldFromTheFuture":{"x":1}}]}]}]}
        """.formatted(traceId, spanId);

    HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/traces", JSON,
        Otlp.gzip(json.getBytes(StandardCharsets.UTF_8)), "Content-Encoding", "gzip");

    assertEquals(200, r.statusCode(), Http.text(r));
    assertEquals(JSON, r.headers().firstValue("content-type").orElse(null));
    assertEquals("{}", Http.text(r));
    List<ConsumerRecord<byte[], byte[]>> records = TestKafka.read(bootstrap, collector.config().topicSpans(), 1, Duration.ofSeconds(20));
    ResourceSpans rs = records.stream()
        .map(c -> parseTraces(c.value()).getResourceSpans(0))
        .filter(x -> "json-fn".equals(Otlp.stringAttr(x.getResource(), "faas.name")))
        .findFirst().orElseThrow();
    Span span = rs.getScopeSpans(0).getSpans(0);
    assertEquals(ByteString.copyFrom(HexFormat.of().parseHex(traceId)), span.getTraceId());
    assertEquals(ByteString.copyFrom(HexFormat.of().parseHex(spanId)), span.getSpanId());
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, span.getKind());
    assertEquals(1544712661000000000L, span.getEndTimeUnixNano());
    assertEquals(812, span.getAttributes(1).getValue().getIntValue());
    assertEquals("default", Otlp.stringAttr(rs.getResource(), "lambdascope.tenant"), "a client cannot choose its tenant");
    assertEquals(1, Otlp.count(rs.getResource(), "lambdascope.tenant"));
  }

  @Test
  void logsInProtobufWithGzip() throws Exception {
    LogRecord log = LogRecord.newBuilder().setTimeUnixNano(5).setBody(AnyValue.newBuilder().setStringValue("hello"))
        .setTraceId(ByteString.copyFrom(new byte[16])).build();
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder().setResource(Otlp.resource("logger"))
            .addScopeLogs(io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("s")).addLogRecords(log).addLogRecords(log)))
        .build();

    HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/logs", PROTO, Otlp.gzip(request.toByteArray()),
        "Content-Encoding", "gzip");

    assertEquals(200, r.statusCode(), Http.text(r));
    List<ConsumerRecord<byte[], byte[]>> records = TestKafka.read(bootstrap, collector.config().topicLogs(), 1, Duration.ofSeconds(20));
    ExportLogsServiceRequest stored = records.stream().map(c -> parseLogs(c.value()))
        .filter(x -> "logger".equals(Otlp.stringAttr(x.getResourceLogs(0).getResource(), "faas.name")))
        .findFirst().orElseThrow();
    assertEquals(List.of(log, log), stored.getResourceLogs(0).getScopeLogs(0).getLogRecordsList());
  }

  @Test
  void invalidSpansAreRejectedInPartialSuccessAndTheRestIsStored() throws Exception {
    Span good = Otlp.span("partial");
    Span badTraceId = Otlp.span("partial").toBuilder().setTraceId(ByteString.copyFrom(new byte[3])).build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(Otlp.resource("partial"))
            .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder().addSpans(badTraceId).addSpans(good)))
        .build();

    HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/traces", PROTO, request.toByteArray());

    assertEquals(200, r.statusCode());
    ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
    assertEquals(1, response.getPartialSuccess().getRejectedSpans());
    assertTrue(response.getPartialSuccess().getErrorMessage().contains("trace_id"));
    List<ConsumerRecord<byte[], byte[]>> records = TestKafka.read(bootstrap, collector.config().topicSpans(), 1, Duration.ofSeconds(20));
    List<Span> stored = records.stream().map(c -> parseTraces(c.value()).getResourceSpans(0))
        .filter(x -> "partial".equals(Otlp.stringAttr(x.getResource(), "faas.name")))
        .flatMap(x -> x.getScopeSpans(0).getSpansList().stream()).toList();
    assertEquals(List.of(good), stored);
  }

  @Test
  void jsonPartialSuccessIsAnsweredInJson() {
    String json = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"faas.name","value":{"stringValue":"json-partial"}}]},
          "scopeSpans":[{"spans":[
            {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"abcdef","name":"short id"},
            {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","name":"fine"}]}]}]}
        """;

    HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/traces", JSON, json.getBytes(StandardCharsets.UTF_8));

    assertEquals(200, r.statusCode(), Http.text(r));
    io.vertx.core.json.JsonObject partial = new io.vertx.core.json.JsonObject(Http.text(r)).getJsonObject("partialSuccess");
    assertEquals("1", String.valueOf(partial.getValue("rejectedSpans")));
    assertEquals("span_id must be 8 bytes", partial.getString("errorMessage"));
    List<String> stored = TestKafka.read(bootstrap, collector.config().topicSpans(), 1, Duration.ofSeconds(20)).stream()
        .map(c -> parseTraces(c.value()).getResourceSpans(0))
        .filter(x -> "json-partial".equals(Otlp.stringAttr(x.getResource(), "faas.name")))
        .flatMap(x -> x.getScopeSpans(0).getSpansList().stream()).map(Span::getName).toList();
    assertEquals(List.of("fine"), stored);
  }

  @Test
  void aResourceLargerThanAKafkaMessageIsSplitNotDropped() throws Exception {
    ExportTraceServiceRequest request = Otlp.traces(600, "big-fn");
    assertTrue(request.getSerializedSize() > 32768 * 2);

    HttpResponse<byte[]> r = Http.post(collector.port(), "/v1/traces", PROTO, request.toByteArray());

    assertEquals(200, r.statusCode(), Http.text(r));
    assertEquals(0, ExportTraceServiceResponse.parseFrom(r.body()).getPartialSuccess().getRejectedSpans());
    List<ConsumerRecord<byte[], byte[]>> records = TestKafka.read(bootstrap, collector.config().topicSpans(), 3, Duration.ofSeconds(20));
    Set<ByteString> spanIds = new HashSet<>();
    int bigRecords = 0;
    for (ConsumerRecord<byte[], byte[]> c : records) {
      ExportTraceServiceRequest v = parseTraces(c.value());
      assertEquals(1, v.getResourceSpansCount());
      if (!"big-fn".equals(Otlp.stringAttr(v.getResourceSpans(0).getResource(), "faas.name"))) {
        continue;
      }
      bigRecords++;
      assertTrue(c.value().length <= 32768, "record of " + c.value().length + " bytes");
      assertEquals("default///big-fn", new String(c.key(), StandardCharsets.UTF_8));
      v.getResourceSpans(0).getScopeSpans(0).getSpansList().forEach(s -> assertTrue(spanIds.add(s.getSpanId())));
    }
    assertTrue(bigRecords >= 3, "split into " + bigRecords);
    Set<ByteString> sent = new HashSet<>();
    request.getResourceSpans(0).getScopeSpans(0).getSpansList().forEach(s -> sent.add(s.getSpanId()));
    assertEquals(sent, spanIds);
  }

  private static ExportTraceServiceRequest parseTraces(byte[] b) {
    try {
      return ExportTraceServiceRequest.parseFrom(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ExportLogsServiceRequest parseLogs(byte[] b) {
    try {
      return ExportLogsServiceRequest.parseFrom(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
