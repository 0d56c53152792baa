package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas with one application id split the partitions: each exposes the functions of its
 * partitions only, and the sum of their series equals what a single replica shows for the same input.
 */
class TwoReplicasTest {
  static final String[] FUNCTIONS = {"fn-a", "fn-b", "fn-c", "fn-d", "fn-e", "fn-f", "fn-g", "fn-h"};
  static final int PER_FUNCTION = 40;
  static final Pattern FUNCTION_LABEL = Pattern.compile("function=\"([^\"]+)\"");

  @TempDir Path dir;
  EmbeddedKafka kafka;
  Processor single;
  Processor first;
  Processor second;

  @AfterEach
  void stop() {
    for (Processor p : new Processor[] {single, first, second}) {
      if (p != null) {
        p.close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private Processor start(String applicationId, String stateDir) {
    return Processor.start(ProcessorConfig.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .applicationId(applicationId)
        .stateDir(dir.resolve(stateDir))
        .metricsPort(0)
        .reportWait(Duration.ofSeconds(1))
        .build());
  }

  @Test
  void twoReplicasSplitThePartitionsAndSumToTheSingleReplicaResult() throws Exception {
    kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
    Set<Integer> partitions = new HashSet<>();
    for (String fn : FUNCTIONS) {
      partitions.add(Utils.toPositive(Utils.murmur2(fn.getBytes(StandardCharsets.UTF_8))) % 3);
    }
    assertEquals(3, partitions.size(), "the functions must cover every partition");

    java.util.Properties admin = new java.util.Properties();
    admin.put("bootstrap.servers", kafka.bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin a = org.apache.kafka.clients.admin.Admin.create(admin)) {
      a.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("otlp_spans", 3, (short) 1),
          new org.apache.kafka.clients.admin.NewTopic("otlp_logs", 3, (short) 1))).all().get();
    }
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = ProcessorEndToEndTest.producer(kafka.bootstrapServers())) {
      int n = 0;
      for (String fn : FUNCTIONS) {
        for (int i = 0; i < PER_FUNCTION; i++, n++) {
          Otlp.SpanBuilder s = Otlp.span(fn, fn + "-" + i).trigger(i % 2 == 0 ? "http" : "pubsub").duration(5 + 37 * i);
          if (i == 0) {
            s.cold(400 + n);
          }
          if (i % 7 == 3) {
            s.error("E" + (i % 3));
          }
          s.record("sqs", fn + "-m" + (i % 35), i < 35 ? 1 : 2);
          sent.add(sendAsync(producer, "otlp_spans", fn, s.request()));
        }
        // A platform report for one invocation (same memory as the spans, so the latest-memory gauge
        // does not depend on which topic a replica happens to read first), and a throttle.
        sent.add(sendAsync(producer, "otlp_logs", fn, Otlp.report(fn, fn + "-r", "timeout", 900, -1, 100, null)));
        sent.add(sendAsync(producer, "otlp_logs", fn, Otlp.throttle(fn, fn + "-t")));
      }
    }
    for (java.util.concurrent.Future<?> f : sent) {
      f.get(); // every record acknowledged
    }
    int total = FUNCTIONS.length * (PER_FUNCTION + 1);

    single = start("single", "single");
    Scrape.awaitMetrics(single.httpPort(), Duration.ofSeconds(60), "single replica done",
        m -> Scrape.sum(m, "faas_invocations_total{") == total);
    Map<String, Double> expected = streamSeries(Scrape.metrics(single.httpPort()));
    single.close();

    first = start("pair", "first");
    second = start("pair", "second");
    List<Map<String, Double>> last = new ArrayList<>(List.of(Map.of(), Map.of()));
    try {
      Scrape.await(Duration.ofSeconds(90), "both replicas active and complete", () -> {
        last.set(0, streamSeries(Scrape.metrics(first.httpPort())));
        last.set(1, streamSeries(Scrape.metrics(second.httpPort())));
        return Scrape.sum(last.get(0), "faas_invocations_total{") > 0
            && Scrape.sum(last.get(1), "faas_invocations_total{") > 0
            && sumOf(last.get(0), last.get(1)).equals(expected);
      });
    } catch (AssertionError e) {
      Map<String, Double> sum = sumOf(last.get(0), last.get(1));
      Map<String, String> diff = new TreeMap<>();
      expected.forEach((k, v) -> {
        if (!v.equals(sum.get(k))) {
          diff.put(k, v + " != " + sum.get(k));
        }
      });
      sum.forEach((k, v) -> {
        if (!expected.containsKey(k)) {
          diff.put(k, "unexpected " + v);
        }
      });
      throw new AssertionError(e.getMessage() + "; invocations per replica "
          + Scrape.sum(last.get(0), "faas_invocations_total{") + " / "
          + Scrape.sum(last.get(1), "faas_invocations_total{") + "; differences " + diff, e);
    }
    assertEquals(expected, sumOf(last.get(0), last.get(1)));
    Set<String> functionsOfFirst = functions(last.get(0));
    Set<String> functionsOfSecond = functions(last.get(1));
    functionsOfFirst.retainAll(functionsOfSecond);
    assertTrue(functionsOfFirst.isEmpty(), "disjoint functions, shared: " + functionsOfFirst);
    assertEquals(total, Scrape.sum(expected, "faas_invocations_total{"));
    assertEquals(FUNCTIONS.length * 5.0, Scrape.sum(expected, "lambdascope_duplicates_total{"));
  }

  private static java.util.concurrent.Future<?> sendAsync(
      KafkaProducer<byte[], byte[]> producer, String topic, String function, byte[] value) {
    return producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
        topic, function.getBytes(StandardCharsets.UTF_8), value));
  }

  /** Series derived from the stream (not the process's own health meters, nor the prices it was configured with). */
  private static Map<String, Double> streamSeries(Map<String, Double> all) {
    Map<String, Double> out = new TreeMap<>();
    all.forEach((k, v) -> {
      if (!k.startsWith("lambdascope_processor_") && !k.startsWith("lambdascope_price_usd")) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static Map<String, Double> sumOf(Map<String, Double> a, Map<String, Double> b) {
    Map<String, Double> out = new TreeMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, Double::sum));
    return out;
  }

  private static Set<String> functions(Map<String, Double> series) {
    Set<String> out = new HashSet<>();
    for (String k : series.keySet()) {
      Matcher m = FUNCTION_LABEL.matcher(k);
      if (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
