package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean shutdown commits, records in each store the changelog offset it holds (Kafka Streams'
 * checkpoint, kept inside RocksDB since Kafka 4) and leaves the group: a restart on the same state
 * directory restores nothing and is counting again well within the 45 s a member that did not leave
 * would keep its partitions (the default session timeout, kept here).
 */
class RestartTest {
  static final String[] FUNCTIONS = {"fn-a", "fn-b", "fn-c", "fn-d"};

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

  private Processor start() {
    return Processor.start(ProcessorConfig.builder().bootstrapServers(kafka.bootstrapServers())
        .applicationId("restart").stateDir(dir.resolve("state")).metricsPort(0).build());
  }

  private void produce(int from, int to) {
    try (KafkaProducer<byte[], byte[]> producer = ProcessorEndToEndTest.producer(kafka.bootstrapServers())) {
      for (int i = from; i < to; i++) {
        String fn = FUNCTIONS[i % FUNCTIONS.length];
        ProcessorEndToEndTest.send(producer, "otlp_spans", fn, Otlp.span(fn, "r" + i).record("sqs", "m" + i, 1).request());
      }
    }
  }

  @Test
  void aCleanShutdownCheckpointsAndLeavesTheGroup() throws Exception {
    kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
    processor = start();
    produce(0, 100);
    Scrape.awaitMetrics(processor.httpPort(), Duration.ofSeconds(90), "the first 100",
        m -> Scrape.sum(m, "faas_invocations_total{") == 100);
    long closing = System.nanoTime();
    processor.close();
    double closeSeconds = (System.nanoTime() - closing) / 1e9;
    processor = null;
    assertTrue(closeSeconds < 15, "close took " + closeSeconds + " s");

    long restarting = System.nanoTime();
    processor = start();
    produce(100, 120);
    Scrape.awaitMetrics(processor.httpPort(), Duration.ofSeconds(40), "counting again after the restart",
        m -> Scrape.sum(m, "faas_invocations_total{") == 120);
    double restartSeconds = (System.nanoTime() - restarting) / 1e9;
    System.out.printf("restart: counting again %.1f s after the start%n", restartSeconds);
    assertTrue(restartSeconds < 30, "a restart that waits out the old member's session takes 45 s; took " + restartSeconds);
    assertEquals(0, processor.restoredRecords(), "the stores held everything the changelogs did: nothing to restore");
    Map<String, Double> m = Scrape.metrics(processor.httpPort());
    assertEquals(0, Scrape.sum(m, "lambdascope_duplicates_total{"), "the dedup window kept whole");
    // A key filed before the restart is known after it (the window's filters are built from the store).
    try (KafkaProducer<byte[], byte[]> producer = ProcessorEndToEndTest.producer(kafka.bootstrapServers())) {
      String fn = FUNCTIONS[5 % FUNCTIONS.length];
      ProcessorEndToEndTest.send(producer, "otlp_spans", fn, Otlp.span(fn, "again").record("sqs", "m5", 2).request());
    }
    Scrape.awaitMetrics(processor.httpPort(), Duration.ofSeconds(40), "the redelivery of m5 counted",
        s -> Scrape.sum(s, "lambdascope_duplicates_total{") == 1 && Scrape.sum(s, "faas_invocations_total{") == 121);
  }
}
