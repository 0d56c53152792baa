package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on a real broker: input records that are not OTLP, empty, tombstones, without a function,
 * and state entries in a changelog that no version can read. Each is skipped and counted; the good
 * records around them are counted; the stream thread is never replaced.
 */
class PoisonRecordsTest {
  @TempDir Path dir;
  EmbeddedKafka kafka;
  Processor processor;

  @AfterEach
  void stop() {
    if (processor != null) {
      processor.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String failures(String reason, String topic) {
    return Series.plain("lambdascope_processor_decode_failures_total", "reason", reason, "topic", topic);
  }

  @Test
  void poisonIsSkippedAndCountedAndTheStreamThreadStays() throws Exception {
    kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
    String changelog = "poison-function-state-changelog";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("otlp_spans", 3, (short) 1), new NewTopic("otlp_logs", 3, (short) 1),
          new NewTopic(changelog, 3, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
    }
    try (KafkaProducer<byte[], byte[]> producer = ProcessorEndToEndTest.producer(kafka.bootstrapServers())) {
      // State no version can read, in every partition of the functions' changelog: a bad key, a bad value.
      for (int p = 0; p < 3; p++) {
        producer.send(new ProducerRecord<>(changelog, p, new byte[] {(byte) 0xff}, new byte[] {1, 2, 3})).get();
        producer.send(new ProducerRecord<>(changelog, p, new byte[] {1, 'x'}, new byte[] {(byte) 0x7f})).get();
      }
      byte[] key = "f".getBytes(StandardCharsets.UTF_8);
      ProcessorEndToEndTest.send(producer, "otlp_spans", "f", Otlp.span("f", "before").request());
      producer.send(new ProducerRecord<>("otlp_spans", key, "not protobuf".getBytes(StandardCharsets.UTF_8))).get();
      producer.send(new ProducerRecord<>("otlp_spans", key, new byte[0])).get();
      producer.send(new ProducerRecord<>("otlp_spans", key, null)).get();
      producer.send(new ProducerRecord<>("otlp_logs", key, new byte[] {(byte) 0x0a, (byte) 0xff, 0x7f})).get();
      producer.send(new ProducerRecord<>("otlp_spans", key, Otlp.spans("", 0, Otlp.span("", "x").span()))).get();
      ProcessorEndToEndTest.send(producer, "otlp_spans", "f", Otlp.span("f", "after").request());
    }
    processor = Processor.start(ProcessorConfig.builder().bootstrapServers(kafka.bootstrapServers())
        .applicationId("poison").stateDir(dir.resolve("state")).metricsPort(0).build());
    // Every task restored its part of the changelog and loaded what it could read.
    Scrape.awaitMetrics(processor.httpPort(), Duration.ofSeconds(90), "the good records counted", m ->
        Scrape.value(m, Series.invocations("f", "other", "success")) == 2
            && Scrape.value(m, "lambdascope_processor_records_total{topic=\"otlp_spans\"}") == 6
            && Scrape.value(m, failures("invalid_state", "function-state")) == 6);
    List<String> threads = processor.streamThreadNames();
    Map<String, Double> m = Scrape.metrics(processor.httpPort());
    assertEquals(1, m.get(failures("invalid_protobuf", "otlp_spans")));
    assertEquals(1, m.get(failures("invalid_protobuf", "otlp_logs")));
    assertEquals(2, m.get(failures("empty_value", "otlp_spans")), "an empty value and a tombstone");
    assertEquals(1, m.get(failures("missing_function", "otlp_spans")));
    assertEquals(6, m.get(failures("invalid_state", "function-state")), "two unreadable entries per partition");
    assertEquals(1, m.get("lambdascope_processor_records_total{topic=\"otlp_logs\"}"));

    // The stream goes on, on the same thread.
    try (KafkaProducer<byte[], byte[]> producer = ProcessorEndToEndTest.producer(kafka.bootstrapServers())) {
      producer.send(new ProducerRecord<>("otlp_spans", "f".getBytes(StandardCharsets.UTF_8),
          "more poison".getBytes(StandardCharsets.UTF_8))).get();
      ProcessorEndToEndTest.send(producer, "otlp_spans", "f", Otlp.span("f", "later").request());
    }
    Scrape.awaitMetrics(processor.httpPort(), Duration.ofSeconds(60), "the later record counted",
        m2 -> Scrape.value(m2, Series.invocations("f", "other", "success")) == 3);
    assertEquals(2, Scrape.metrics(processor.httpPort()).get(failures("invalid_protobuf", "otlp_spans")));
    assertTrue(processor.ready());
    assertEquals(threads, processor.streamThreadNames(), "no stream thread was replaced");
  }
}
