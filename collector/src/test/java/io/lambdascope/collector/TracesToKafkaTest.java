package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The thin slice: OTLP protobuf spans in, one Kafka record per resource out, 200 after the ack. */
class TracesToKafkaTest {
  private static Collector collector;

  @BeforeAll
  static void start() {
    collector = Collector.start(TestKafka.config("slice").build());
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  @Test
  void protobufSpansLandInKafkaOneRecordPerResource() throws Exception {
    // Before any request: every refusal series and the producer errors are there at 0, so that
    // rate() and increase() see their first increment (docs/telemetry.md section 5).
    Map<String, Double> atStart = Scrape.of(collector.port());
    for (String series : rejectedSeries()) {
      assertEquals(0.0, atStart.get(series), series);
    }
    assertEquals(0.0, atStart.get("lambdascope_collector_producer_errors_total"));

    ExportTraceServiceRequest request = Otlp.traces(4, "orders", "payments", "orders");

    HttpResponse<byte[]> response =
        Http.post(collector.port(), "/v1/traces", "application/x-protobuf", request.toByteArray());

    assertEquals(200, response.statusCode(), Http.text(response));
    assertEquals("application/x-protobuf", response.headers().firstValue("content-type").orElse(null));
    ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(response.body());
    assertEquals(0, parsed.getPartialSuccess().getRejectedSpans());

    List<ConsumerRecord<byte[], byte[]>> records =
        TestKafka.read(TestKafka.bootstrap(), collector.config().topicSpans(), 3, Duration.ofSeconds(20));
    assertEquals(3, records.size());
    Map<String, Integer> spansByKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      ExportTraceServiceRequest value = ExportTraceServiceRequest.parseFrom(r.value());
      assertEquals(1, value.getResourceSpansCount(), "exactly one resource per record");
      ResourceSpans rs = value.getResourceSpans(0);
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertEquals("default///" + Otlp.stringAttr(rs.getResource(), "faas.name"), key);
      assertEquals("default", Otlp.stringAttr(rs.getResource(), "lambdascope.tenant"));
      assertNotNull(r.headers().lastHeader("content-type"));
      assertArrayEquals("application/x-protobuf".getBytes(StandardCharsets.UTF_8),
          r.headers().lastHeader("content-type").value());
      spansByKey.merge(key, rs.getScopeSpans(0).getSpansCount(), Integer::sum);
      // The spans are the ones sent, byte for byte.
      int index = -1;
      for (int i = 0; i < request.getResourceSpansCount(); i++) {
        if (request.getResourceSpans(i).getScopeSpans(0).getSpans(0).equals(rs.getScopeSpans(0).getSpans(0))) {
          index = i;
        }
      }
      assertEquals(request.getResourceSpans(index).getScopeSpansList(), rs.getScopeSpansList());
    }
    assertEquals(Map.of("default///orders", 8, "default///payments", 4), spansByKey);

    // The collector's own meters, as docs/telemetry.md section 5 names them.
    Map<String, Double> metrics = Scrape.of(collector.port());
    Map<String, Double> expected = Map.of(
        "lambdascope_collector_requests_total{code=\"200\",signal=\"traces\"}", 1.0,
        "lambdascope_collector_items_received_total{signal=\"traces\"}", 12.0,
        "lambdascope_collector_items_accepted_total{signal=\"traces\"}", 12.0,
        "lambdascope_collector_rejected_total{reason=\"kafka_unavailable\",signal=\"traces\"}", 0.0,
        "lambdascope_collector_kafka_send_seconds_count{signal=\"traces\"}", 3.0,
        "lambdascope_collector_kafka_send_seconds_bucket{signal=\"traces\",le=\"+Inf\"}", 3.0,
        "lambdascope_collector_inflight_bytes", 0.0,
        "lambdascope_collector_producer_errors_total", 0.0);
    expected.forEach((series, value) -> assertEquals(value, metrics.get(series), series));
    // Vert.x's own HTTP server meters are there too, and counted this request.
    assertTrue(metrics.entrySet().stream().anyMatch(e -> e.getKey().startsWith("vertx_http_server_requests_total{")
        && e.getKey().contains("code=\"200\"") && e.getValue() >= 1), metrics.keySet().toString());

    // One refusal: its series goes from 0 to 1, the others stay at 0.
    HttpResponse<byte[]> bad = Http.post(collector.port(), "/v1/traces", "application/x-protobuf",
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertEquals(400, bad.statusCode(), Http.text(bad));
    Map<String, Double> after = Scrape.of(collector.port());
    String badRequest = "lambdascope_collector_rejected_total{reason=\"bad_request\",signal=\"traces\"}";
    for (String series : rejectedSeries()) {
      assertEquals(series.equals(badRequest) ? 1.0 : 0.0, after.get(series), series);
    }
  }

  /** lambdascope_collector_rejected_total for every signal and every reason of docs/telemetry.md section 5. */
  private static List<String> rejectedSeries() {
    List<String> out = new ArrayList<>();
    for (String signal : List.of("traces", "metrics", "logs", "platform")) {
      for (String reason : List.of("bad_request", "unsupported_media_type", "too_large", "unauthorized", "overloaded",
          "kafka_unavailable")) {
        out.add("lambdascope_collector_rejected_total{reason=\"" + reason + "\",signal=\"" + signal + "\"}");
      }
    }
    return out;
  }
}
