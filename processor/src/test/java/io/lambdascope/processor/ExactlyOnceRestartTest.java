package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once proof: a processor in its own JVM is killed with SIGKILL while records flow; its
 * successor (same state directory, as after a host restart) restores the stores from the changelogs
 * and re-reads what was not committed. Counts must come out exact: nothing lost, nothing counted
 * twice, and no replayed record mistaken for a duplicate delivery. Meanwhile /metrics is scraped
 * without pause: no counter it showed may ever show less, before or after the kill.
 */
class ExactlyOnceRestartTest {
  static final String[] FUNCTIONS = {"alpha", "bravo", "charlie", "delta"};
  static final int INVOCATIONS = 4000;

  @TempDir Path dir;
  final ProcessorJvms jvms = new ProcessorJvms();
  EmbeddedKafka kafka;

  @AfterEach
  void stop() {
    jvms.close();
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void killedProcessorRestartsWithExactCounts() throws Exception {
    kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
    Path clientConfig = dir.resolve("client.properties");
    // Let the group notice the killed member soon; everything else is the shipped default.
    Files.writeString(clientConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
    Path state = dir.resolve("state");

    ProcessorJvms.Jvm first = jvms.start(kafka.bootstrapServers(), clientConfig, state, Map.of());
    int firstPort = first.port();
    AtomicInteger watched = new AtomicInteger(firstPort);
    CounterWatch watch = new CounterWatch(List.of(watched::get));
    AtomicInteger sent = new AtomicInteger();
    produce(sent, 0, INVOCATIONS / 4);
    Scrape.await(Duration.ofSeconds(90), "first processor counting", () -> Scrape.invocations(firstPort) >= INVOCATIONS / 4);
    CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(sent, INVOCATIONS / 4, INVOCATIONS));

    // Kill while the producer is still writing and the processor is between commits.
    Scrape.await(Duration.ofSeconds(60), "first processor counting the second part",
        () -> Scrape.invocations(firstPort) >= INVOCATIONS / 4 + 300);
    first.kill();
    assertTrue(sent.get() < INVOCATIONS, "the kill must happen mid-stream; sent " + sent.get());
    int scrapesBeforeKill = watch.scrapes();

    ProcessorJvms.Jvm second = jvms.start(kafka.bootstrapServers(), clientConfig, state, Map.of());
    int secondPort = second.port();
    watched.set(secondPort);
    producing.get(120, TimeUnit.SECONDS);
    Scrape.awaitMetrics(secondPort, Duration.ofSeconds(120), "all invocations after the restart",
        m -> Scrape.sum(m, "faas_invocations_total{") >= INVOCATIONS && Scrape.value(m, Series.of("faas_throttles_total", "alpha")) >= 100);
    awaitAllCommitted();
    watch.close();
    assertTrue(scrapesBeforeKill >= 10 && watch.scrapes() > scrapesBeforeKill + 10,
        "scraped " + scrapesBeforeKill + " times before the kill, " + watch.scrapes() + " in all");
    assertEquals(List.of(), watch.steppedBack(), "no counter shown may ever show less");

    Map<String, Double> m = Scrape.metrics(secondPort);
    assertEquals(INVOCATIONS, Scrape.sum(m, "faas_invocations_total{"), "invocations: none lost, none twice");
    assertEquals(INVOCATIONS / 10, Scrape.sum(m, "faas_invocations_total{") - Scrape.sum(m, "outcome=\"success\""), "errors");
    assertEquals(INVOCATIONS / 10, Scrape.sum(m, "faas_errors_total{"));
    assertEquals(INVOCATIONS / 20, Scrape.sum(m, "lambdascope_duplicates_total{"), "only the real redeliveries");
    assertEquals(INVOCATIONS, Scrape.sum(m, "faas_invoke_duration_seconds_count{"));
    assertEquals(100, Scrape.value(m, Series.of("faas_throttles_total", "alpha")));
  }

  /**
   * 4000 invocations over 4 functions: every 10th an error, every 20th a redelivery of an earlier
   * SQS message; one function also sends platform reports.
   */
  private void produce(AtomicInteger sent, int from, int to) {
    try (KafkaProducer<byte[], byte[]> producer = ProcessorEndToEndTest.producer(kafka.bootstrapServers())) {
      for (int i = from; i < to; i++) {
        String fn = FUNCTIONS[i % FUNCTIONS.length];
        Otlp.SpanBuilder span = Otlp.span(fn, "req-" + i).trigger("pubsub").duration(10 + i % 200);
        if (i % 10 == 9) {
          span.error("com.example.Boom");
        }
        if (i % 20 == 19) {
          span.record("sqs", "msg-" + (i - 4), 2); // the message of invocation i-4 (same function), again
        } else {
          span.record("sqs", "msg-" + i, 1);
        }
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
            "otlp_spans", fn.getBytes(StandardCharsets.UTF_8), span.request()));
        if (fn.equals("delta")) {
          // delta also sends platform reports: its invocations pass through the pending join state.
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("otlp_logs",
              fn.getBytes(StandardCharsets.UTF_8), Otlp.report(fn, "req-" + i, i % 10 == 9 ? "error" : "success",
                  10 + i % 200, -1, 100, null)));
        }
        if (i % 40 == 0) {
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
              "otlp_logs", "alpha".getBytes(StandardCharsets.UTF_8), Otlp.throttle("alpha", "t-" + i)));
        }
        sent.incrementAndGet();
        if (i % 100 == 99) {
          producer.flush();
          Thread.sleep(60);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every input partition's committed offset reached its end: nothing left to replay. */
  private void awaitAllCommitted() throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      Scrape.await(Duration.ofSeconds(60), "offsets committed to the end", () -> {
        try {
          Map<TopicPartition, OffsetAndMetadata> committed = admin
              .listConsumerGroupOffsets("lambdascope-processor").partitionsToOffsetAndMetadata().get();
          Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
          for (String topic : List.of("otlp_spans", "otlp_logs")) {
            for (int i = 0; i < 3; i++) {
              latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
          }
          var ends = admin.listOffsets(latest).all().get();
          for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            // End offsets include transaction markers of the producer? No: a plain producer; exact match.
            if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset())) {
              return false;
            }
          }
          return true;
        } catch (Exception e) {
          return false;
        }
      });
    }
  }
}
