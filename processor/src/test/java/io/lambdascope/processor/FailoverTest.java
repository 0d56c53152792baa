package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processor replicas (one standby replica each, the default) share the partitions; one is
 * killed with SIGKILL while records flow. The survivor takes over its tasks from their standbys:
 * afterwards every count is exact, no replayed record is taken for a duplicate delivery, the
 * survivor's /metrics covers every function, and no counter either replica showed ever shows less.
 */
class FailoverTest {
  static final String[] FUNCTIONS = {"fn-a", "fn-b", "fn-c", "fn-d", "fn-e", "fn-f", "fn-g", "fn-h"};
  static final int INVOCATIONS = 3200;

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
  void theSurvivorOfASigkillTakesOverWithExactCounts() throws Exception {
    Set<Integer> partitions = new HashSet<>();
    for (String fn : FUNCTIONS) {
      partitions.add(Utils.toPositive(Utils.murmur2(fn.getBytes(StandardCharsets.UTF_8))) % 3);
    }
    assertEquals(3, partitions.size(), "the functions must cover every partition");
    kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("otlp_spans", 3, (short) 1), new NewTopic("otlp_logs", 3, (short) 1)))
          .all().get();
    }
    Path clientConfig = dir.resolve("client.properties");
    // The group notices the killed member within seconds; everything else is the shipped default.
    Files.writeString(clientConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");

    ProcessorJvms.Jvm survivor = jvms.start(kafka.bootstrapServers(), clientConfig, dir.resolve("a"), Map.of());
    ProcessorJvms.Jvm victim = jvms.start(kafka.bootstrapServers(), clientConfig, dir.resolve("b"), Map.of());
    AtomicInteger victimPort = new AtomicInteger(victim.port());
    CounterWatch watch = new CounterWatch(List.of(survivor::port, victimPort::get));
    AtomicInteger sent = new AtomicInteger();
    produce(sent, 0, INVOCATIONS / 4);
    Scrape.await(Duration.ofSeconds(120), "both replicas counting", () ->
        Scrape.invocations(survivor.port()) > 0 && Scrape.invocations(victim.port()) > 0
            && Scrape.invocations(survivor.port()) + Scrape.invocations(victim.port()) >= INVOCATIONS / 4);
    CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(sent, INVOCATIONS / 4, INVOCATIONS));
    Scrape.await(Duration.ofSeconds(60), "the second part flowing",
        () -> Scrape.invocations(survivor.port()) + Scrape.invocations(victim.port()) >= INVOCATIONS / 4 + 200);
    victimPort.set(0);
    long killedAt = System.nanoTime();
    victim.kill();
    assertTrue(sent.get() < INVOCATIONS, "the kill must happen mid-stream; sent " + sent.get());

    producing.get(120, TimeUnit.SECONDS);
    Scrape.awaitMetrics(survivor.port(), Duration.ofSeconds(120), "every invocation on the survivor",
        m -> Scrape.sum(m, "faas_invocations_total{") >= INVOCATIONS
            && functions(m).size() == FUNCTIONS.length);
    System.out.printf("failover: every function on the survivor %.1f s after the kill%n",
        (System.nanoTime() - killedAt) / 1e9);
    Thread.sleep(1000); // a last commit interval, in case anything were counted twice
    watch.close();

    Map<String, Double> m = Scrape.metrics(survivor.port());
    assertEquals(INVOCATIONS, Scrape.sum(m, "faas_invocations_total{"), "none lost, none twice");
    assertEquals(INVOCATIONS / 10, Scrape.sum(m, "faas_errors_total{"));
    assertEquals(INVOCATIONS / 20, Scrape.sum(m, "lambdascope_duplicates_total{"),
        "only the real redeliveries");
    assertEquals(INVOCATIONS, Scrape.sum(m, "faas_invoke_duration_seconds_count{"));
    assertEquals(Set.of(FUNCTIONS), functions(m), "the survivor covers every function");
    for (String fn : FUNCTIONS) {
      assertEquals(INVOCATIONS / FUNCTIONS.length, invocationsOf(m, fn), fn);
    }
    assertEquals(List.of(), watch.steppedBack(), "no counter shown may ever show less");
  }

  /** 400 invocations a function: every 10th an error, every 20th a redelivery of an earlier SQS message. */
  private void produce(AtomicInteger sent, int from, int to) {
    try (KafkaProducer<byte[], byte[]> producer = ProcessorEndToEndTest.producer(kafka.bootstrapServers())) {
      for (int i = from; i < to; i++) {
        String fn = FUNCTIONS[i % FUNCTIONS.length];
        Otlp.SpanBuilder span = Otlp.span(fn, "req-" + i).trigger("pubsub").duration(10 + i % 200);
        if (i % 10 == 9) {
          span.error("com.example.Boom");
        }
        span.record("sqs", "msg-" + (i % 20 == 19 ? i - FUNCTIONS.length : i), i % 20 == 19 ? 2 : 1);
        producer.send(new ProducerRecord<>("otlp_spans", fn.getBytes(StandardCharsets.UTF_8), span.request()));
        sent.incrementAndGet();
        if (i % 100 == 99) {
          producer.flush();
          Thread.sleep(50);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Set<String> functions(Map<String, Double> m) {
    Set<String> out = new HashSet<>();
    for (String k : m.keySet()) {
      if (k.startsWith("faas_invocations_total{")) {
        Matcher f = TwoReplicasTest.FUNCTION_LABEL.matcher(k);
        if (f.find()) {
          out.add(f.group(1));
        }
      }
    }
    return out;
  }

  private static double invocationsOf(Map<String, Double> m, String fn) {
    return m.entrySet().stream().filter(e -> e.getKey().startsWith("faas_invocations_total{"))
        .filter(e -> e.getKey().contains("function=\"" + fn + "\"")).mapToDouble(Map.Entry::getValue).sum();
  }
}
