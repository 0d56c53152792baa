package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real broker, real OTLP records, the processor as the launcher starts it; assertions on /metrics. */
class ProcessorEndToEndTest {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static Processor processor;
  static KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
    processor = Processor.start(ProcessorConfig.fromSettings(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "LAMBDASCOPE_METRICS_PORT", "0",
        "LAMBDASCOPE_STATE_DIR", dir.resolve("state").toString(),
        "LAMBDASCOPE_REPORT_WAIT", "1s",
        "LAMBDASCOPE_TIMEOUT_GRACE", "1s")));
    producer = producer(kafka.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (processor != null) {
      processor.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void send(KafkaProducer<byte[], byte[]> producer, String topic, String function, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, function.getBytes(StandardCharsets.UTF_8), value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void spansAndReportsBecomeMetricsOnTheHttpPort() {
    assertEquals(200, Scrape.get(processor.httpPort(), "/health/live").statusCode());
    Scrape.await(Duration.ofSeconds(60), "ready", () -> Scrape.get(processor.httpPort(), "/health/ready").statusCode() == 200);

    String fn = "orders";
    send(producer, "otlp_spans", fn, Otlp.span(fn, "r1").trigger("http").cold(800).duration(120).request());
    send(producer, "otlp_spans", fn, Otlp.span(fn, "r2").trigger("http").duration(30).request());
    send(producer, "otlp_spans", fn, Otlp.span(fn, "r3").trigger("http").error("java.lang.IllegalStateException").duration(7).request());
    send(producer, "otlp_spans", fn, Otlp.span(fn, "r4").trigger("http").downstreamThrottle("DynamoDb", "PutItem").dropped(2).request());
    send(producer, "otlp_logs", fn, Otlp.throttle(fn, "r5"));
    send(producer, "otlp_spans", fn, "not protobuf at all".getBytes(StandardCharsets.UTF_8));
    // A second function with platform reports: the report's outcome and duration win. Its first
    // report comes before its span (absorbed, not counted twice); from then on spans wait for reports.
    String paid = "payments";
    send(producer, "otlp_logs", paid, Otlp.report(paid, "p0", "success", 40.0, -1, 150, null));
    send(producer, "otlp_spans", paid, Otlp.span(paid, "p0").trigger("pubsub").duration(35).request());
    send(producer, "otlp_spans", paid, Otlp.span(paid, "p1").trigger("pubsub").duration(50).request());
    send(producer, "otlp_logs", paid, Otlp.report(paid, "p1", "timeout", 3000.0, -1, 200, "Sandbox.Timedout"));

    int port = processor.httpPort();
    // Every record consumed (7 on otlp_spans, 3 on otlp_logs), and the last invocation of each function decided.
    Scrape.awaitMetrics(port, Duration.ofSeconds(30), "invocations on /metrics", m ->
        Scrape.value(m, "lambdascope_processor_records_total{topic=\"otlp_spans\"}") == 7
            && Scrape.value(m, "lambdascope_processor_records_total{topic=\"otlp_logs\"}") == 3
            && Scrape.value(m, Series.of("faas_invocations_total", "orders", "outcome", "success", "trigger", "http")) == 3
            && Scrape.value(m, Series.of("faas_invocations_total", "payments", "outcome", "timeout", "trigger", "pubsub")) == 1);
    Map<String, Double> m = Scrape.metrics(port);
    assertEquals(1, Scrape.value(m, Series.of("faas_invocations_total", "orders", "outcome", "error", "trigger", "http")));
    assertEquals(1, Scrape.value(m, Series.of("faas_coldstarts_total", "orders", "init_type", "on-demand")));
    assertEquals(1, Scrape.value(m, Series.of("faas_errors_total", "orders", "error_type", "java.lang.IllegalStateException", "faas_version", "$LATEST")));
    assertEquals(1, Scrape.value(m, Series.of("faas_timeouts_total", "payments")));
    assertEquals(1, Scrape.value(m, Series.of("faas_throttles_total", "orders")));
    assertEquals(1, Scrape.value(m, Series.of("lambdascope_downstream_throttles_total", "orders", "operation", "PutItem", "service", "DynamoDb")));
    assertEquals(2, Scrape.value(m, Series.of("lambdascope_agent_dropped_spans_total", "orders")));
    assertEquals(4, Scrape.value(m, Series.of("faas_invoke_duration_seconds_count", "orders")));
    assertEquals(3, Scrape.value(m, Series.of("faas_invoke_duration_seconds_bucket", "orders", "le", "0.1")));
    assertEquals(4, Scrape.value(m, Series.of("faas_invoke_duration_seconds_bucket", "orders", "le", "0.25")));
    assertEquals(4, Scrape.value(m, Series.of("faas_invoke_duration_seconds_bucket", "orders", "le", "+Inf")));
    assertEquals(0.257, Scrape.value(m, Series.of("faas_invoke_duration_seconds_sum", "orders")), 1e-6);
    // the platform's durations, not the spans' 35 and 50 ms
    assertEquals(1, Scrape.value(m, Series.of("faas_invocations_total", "payments", "outcome", "success", "trigger", "other")));
    assertEquals(0, Scrape.value(m, Series.of("faas_invocations_total", "payments", "outcome", "success", "trigger", "pubsub")));
    assertEquals(3.04, Scrape.value(m, Series.of("faas_invoke_duration_seconds_sum", "payments")), 1e-6);
    assertEquals(1, Scrape.value(m, Series.of("faas_init_duration_seconds_bucket", "orders", "le", "1.0", "init_type", "on-demand")));
    assertEquals(0, Scrape.value(m, Series.of("faas_init_duration_seconds_bucket", "orders", "le", "0.5", "init_type", "on-demand")));
    assertEquals(30, Scrape.value(m, Series.of("faas_timeout_seconds", "orders")));
    assertEquals(512L << 20, Scrape.value(m, Series.of("faas_max_memory_bytes", "orders")));
    assertEquals(200L << 20, Scrape.value(m, Series.of("faas_mem_usage_bytes", "payments")));
    assertEquals(1, Scrape.value(m, "lambdascope_processor_decode_failures_total{reason=\"invalid_protobuf\",topic=\"otlp_spans\"}"));
    assertEquals(7, Scrape.value(m, "lambdascope_processor_records_total{topic=\"otlp_spans\"}"));
    assertEquals(3, Scrape.value(m, "lambdascope_processor_records_total{topic=\"otlp_logs\"}"));

    JsonObject page = new JsonObject(Scrape.get(port, "/api/invocations?function=payments&outcome=timeout").body());
    JsonArray items = page.getJsonArray("invocations");
    assertEquals(1, items.size());
    assertEquals("timeout", items.getJsonObject(0).getString("outcome"));
    assertEquals("span+report", items.getJsonObject(0).getString("basis"));
    assertEquals(List.of("r1"), ids(port, "/api/invocations?coldstart=true"));
    assertEquals(List.of("p0", "p1"), ids(port, "/api/invocations?function=payments"));
    assertEquals(List.of("p1"), ids(port, "/api/invocations?trigger=pubsub"));
    assertEquals(List.of("r3"), ids(port, "/api/invocations?outcome=error"));
    assertEquals(List.of(), ids(port, "/api/invocations?since=2100-01-01T00:00:00Z"));
    assertEquals(List.of("r1", "r2", "r3", "r4"), ids(port, "/api/invocations?until=" + Long.MAX_VALUE + "&function=orders"));
    assertEquals(400, Scrape.get(port, "/api/invocations?since=yesterday").statusCode());
    assertEquals(400, Scrape.get(port, "/api/invocations?limit=zero").statusCode());
    assertEquals(400, Scrape.get(port, "/api/invocations?outcome=maybe").statusCode());

    // Polling with the cursor sees each new invocation once; the findings explain a slow function.
    long cursor = new JsonObject(Scrape.get(port, "/api/invocations?limit=5").body()).getLong("cursor");
    send(producer, "otlp_spans", fn, Otlp.span(fn, "slow-1").trigger("http").timeoutMs(1000).duration(950).request());
    Scrape.await(Duration.ofSeconds(30), "the new invocation",
        () -> new JsonObject(Scrape.get(port, "/api/invocations?after=" + cursor).body()).getJsonArray("invocations").size() == 1);
    JsonObject next = new JsonObject(Scrape.get(port, "/api/invocations?after=" + cursor).body());
    assertEquals("slow-1", next.getJsonArray("invocations").getJsonObject(0).getString("invocation_id"));
    assertEquals(950.0, next.getJsonArray("invocations").getJsonObject(0).getDouble("duration_ms"), 1e-9);
    assertEquals(0, new JsonObject(Scrape.get(port, "/api/invocations?after=" + next.getLong("cursor")).body())
        .getJsonArray("invocations").size());
    // /metrics and /api/findings, like /api/invocations, show committed state.
    Scrape.awaitMetrics(port, Duration.ofSeconds(30), "the finding committed", m2 ->
        Scrape.value(m2, Series.of("lambdascope_finding", "orders", "kind", "duration_near_timeout")) == 1);
    JsonArray findings = new JsonObject(Scrape.get(port, "/api/findings").body()).getJsonArray("findings");
    JsonObject nearTimeout = findings.stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("kind").equals("duration_near_timeout")).findFirst().orElseThrow();
    assertEquals("orders", nearTimeout.getString("function"));
    assertTrue(nearTimeout.getString("seen").contains("1 s timeout"), nearTimeout.encode());
    assertEquals(1, Scrape.value(Scrape.metrics(port), Series.of("lambdascope_finding", "orders", "kind", "duration_near_timeout")));
  }

  @Test
  void lagIsTheBacklogStillToBeConsumed() throws Exception {
    // A backlog on topics of their own, each record its own batch, and a consumer that gets one batch
    // per fetch and only after the broker's maximum wait: the backlog takes seconds to drain
    // whatever the machine's speed. The gauge must show records waiting meanwhile, and 0 at the end.
    int backlog = 30;
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic("lag-spans", 1, (short) 1), new NewTopic("lag-logs", 1, (short) 1)))
          .all().get();
    }
    for (int i = 0; i < backlog; i++) {
      send(producer, "lag-spans", "lagging", Otlp.span("lagging", "l" + i).request());
    }
    try (Processor lagging = Processor.start(ProcessorConfig.builder()
        .bootstrapServers(kafka.bootstrapServers()).spansTopic("lag-spans").logsTopic("lag-logs")
        .applicationId("lag-test").stateDir(dir.resolve("state-lag")).metricsPort(0)
        .kafkaProperty("main.consumer.max.partition.fetch.bytes", "1")
        .kafkaProperty("main.consumer.fetch.min.bytes", "1048576")
        .kafkaProperty("main.consumer.fetch.max.wait.ms", "200")
        .build())) {
      String lag = "lambdascope_processor_lag_records{topic=\"lag-spans\"}";
      String consumed = "lambdascope_processor_records_total{topic=\"lag-spans\"}";
      double[] lagMidway = {0};
      Scrape.awaitMetrics(lagging.httpPort(), Duration.ofSeconds(120), "the backlog consumed", m -> {
        double c = Scrape.value(m, consumed);
        if (c > 0 && c < backlog) {
          lagMidway[0] = Math.max(lagMidway[0], Scrape.value(m, lag));
        }
        return c == backlog && Scrape.value(m, lag) == 0;
      });
      assertTrue(lagMidway[0] > 0, "no lag shown while consuming the backlog");
      assertEquals(0, Scrape.value(Scrape.metrics(lagging.httpPort()), lag));
    }
  }

  private static List<String> ids(int port, String path) {
    return new JsonObject(Scrape.get(port, path).body()).getJsonArray("invocations").stream()
        .map(o -> ((JsonObject) o).getString("invocation_id")).toList();
  }

  @Test
  void refusesTopicsThatAreNotCoPartitioned() throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic("spans-x", 2, (short) 1), new NewTopic("logs-x", 4, (short) 1)))
          .all().get();
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Processor.start(ProcessorConfig.builder()
        .bootstrapServers(kafka.bootstrapServers()).spansTopic("spans-x").logsTopic("logs-x")
        .stateDir(dir.resolve("state-x")).metricsPort(0).build()));
    assertTrue(e.getMessage().contains("spans-x has 2 partitions and logs-x has 4"), e.getMessage());
  }
}
