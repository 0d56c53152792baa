package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenTelemetry Java agent, with nothing but its endpoint set, exports to the collector. */
class OtelJavaAgentTest {
  @TempDir
  Path dir;

  @Test
  void theJavaAgentExportsSpansAndMetricsUnchanged() throws Exception {
    Path agent = Path.of(System.getProperty("otel.javaagent.jar", "target/otel-agent/opentelemetry-javaagent.jar"));
    assertTrue(Files.isRegularFile(agent), "agent jar not copied: " + agent);
    try (Collector collector = Collector.start(TestKafka.config("javaagent").build())) {
      String endpoint = "http://127.0.0.1:" + collector.port();
      Map<String, String> env = Map.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT", endpoint,
          "OTEL_SERVICE_NAME", "agent-app",
          "OTEL_METRIC_EXPORT_INTERVAL", "500",
          "OTEL_BSP_SCHEDULE_DELAY", "100",
          "OTEL_LOGS_EXPORTER", "none");
      try (JavaProcess app = JavaProcess.start(dir.resolve("app.log"), env,
          List.of("-javaagent:" + agent, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
          AgentApp.class.getName(), endpoint + "/health/live")) {
        assertTrue(app.process().waitFor(180, TimeUnit.SECONDS), "app did not finish:\n" + app.tail());
        assertTrue(app.output().contains("CALLED 200"), app.tail());
      }

      String bootstrap = TestKafka.bootstrap();
      List<ConsumerRecord<byte[], byte[]>> spans = TestKafka.read(bootstrap, collector.config().topicSpans(), 1, Duration.ofSeconds(30));
      assertTrue(!spans.isEmpty(), "no spans from the agent");
      ConsumerRecord<byte[], byte[]> first = spans.get(0);
      assertEquals("default///agent-app", new String(first.key(), StandardCharsets.UTF_8));
      ExportTraceServiceRequest traces = ExportTraceServiceRequest.parseFrom(first.value());
      Span span = traces.getResourceSpans(0).getScopeSpans(0).getSpans(0);
      assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, span.getKind());
      assertEquals(16, span.getTraceId().size());
      assertEquals("default", Otlp.stringAttr(traces.getResourceSpans(0).getResource(), "lambdascope.tenant"));

      List<ConsumerRecord<byte[], byte[]>> metrics = TestKafka.read(bootstrap, collector.config().topicMetrics(), 1, Duration.ofSeconds(30));
      assertTrue(!metrics.isEmpty(), "no metrics from the agent");
      ExportMetricsServiceRequest m = ExportMetricsServiceRequest.parseFrom(metrics.get(0).value());
      assertTrue(m.getResourceMetrics(0).getScopeMetricsCount() > 0);
      // Every span the agent sent was taken: none refused, all received ones acknowledged.
      Map<String, Double> own = Scrape.of(collector.port());
      assertTrue(own.getOrDefault("lambdascope_collector_requests_total{code=\"200\",signal=\"traces\"}", 0.0) >= 1,
          own.toString());
      own.forEach((series, value) -> {
        if (series.startsWith("lambdascope_collector_rejected_total{")) {
          assertEquals(0.0, value, series);
        }
      });
      double received = own.get("lambdascope_collector_items_received_total{signal=\"traces\"}");
      assertTrue(received >= spans.size(), "received " + received);
      assertEquals(received, own.get("lambdascope_collector_items_accepted_total{signal=\"traces\"}"));
    }
  }
}
