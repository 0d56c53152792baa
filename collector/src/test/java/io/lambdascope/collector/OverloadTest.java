package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Far more load than the in-flight bound, against a collector with a small heap in its own JVM:
 * it refuses the excess with 429 + Retry-After, never runs out of memory, keeps answering, and
 * what it answered 200 is in Kafka exactly once while what it refused with 429 is not.
 */
class OverloadTest {
  @TempDir
  Path dir;

  @Test
  void overloadIsRefusedRetryablyAndTheProcessSurvives() throws Exception {
    String prefix = "overload_" + TestKafka.randomId().substring(0, 8);
    // Kafka answers a little later than usual, so requests pile up past the in-flight bound.
    Path kafkaConfig = dir.resolve("kafka.properties");
    Files.writeString(kafkaConfig, "linger.ms=200\n");
    Map<String, String> env = Map.of(
        "LAMBDASCOPE_KAFKA_CONFIG", kafkaConfig.toString(),
        "KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrap(),
        "LAMBDASCOPE_OTLP_PORT", "0",
        "LAMBDASCOPE_TOPIC_SPANS", prefix + "_spans",
        "LAMBDASCOPE_TOPIC_METRICS", prefix + "_metrics",
        "LAMBDASCOPE_TOPIC_LOGS", prefix + "_logs",
        "LAMBDASCOPE_MAX_REQUEST_BYTES", Integer.toString(2 << 20),
        "LAMBDASCOPE_MAX_DECOMPRESSED_BYTES", Integer.toString(2 << 20),
        "LAMBDASCOPE_MAX_INFLIGHT_BYTES", Integer.toString(6 << 20),
        "LAMBDASCOPE_KAFKA_TIMEOUT", "8s");

    int clients = 10;
    int perClient = 4;
    // Spans of their own in every request, made before the storm so that it is one.
    List<byte[]> bodies = new ArrayList<>();
    Map<Long, Integer> requestOfSpan = new HashMap<>();
    for (int i = 0; i < clients * perClient; i++) {
      ExportTraceServiceRequest request = Otlp.traces(2000, "overload-a", "overload-b", "overload-c");
      bodies.add(request.toByteArray());
      for (long span : spanIds(request)) {
        requestOfSpan.put(span, i);
      }
    }
    assertTrue(bodies.get(0).length > 512 * 1024 && bodies.get(0).length < 2 << 20, "body of " + bodies.get(0).length);

    try (JavaProcess proc = JavaProcess.start(dir.resolve("collector.log"), env,
        List.of("-Xmx72m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        ForkedCollectorMain.class.getName())) {
      int port = Integer.parseInt(proc.awaitLine(l -> l.startsWith("LISTENING "), 60_000).substring(10).trim());

      AtomicIntegerArray statusOfRequest = new AtomicIntegerArray(bodies.size());
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicInteger retryAfterMissing = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          int client = c;
          done.add(pool.submit(() -> {
            for (int i = 0; i < perClient; i++) {
              int request = client * perClient + i;
              HttpResponse<byte[]> r = Http.post(port, "/v1/traces", "application/x-protobuf", bodies.get(request));
              statusOfRequest.set(request, r.statusCode());
              statuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
              if ((r.statusCode() == 429 || r.statusCode() == 503) && r.headers().firstValue("retry-after").isEmpty()) {
                retryAfterMissing.incrementAndGet();
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(240, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      assertTrue(proc.process().isAlive(), "the collector died:\n" + proc.tail());
      assertFalse(proc.output().contains("OutOfMemoryError"), proc.tail());
      assertTrue(statuses.containsKey(200), "nothing accepted: " + statuses);
      assertTrue(statuses.containsKey(429), "nothing refused: " + statuses);
      assertTrue(statuses.keySet().stream().allMatch(s -> s == 200 || s == 429 || s == 503), statuses.toString());
      assertEquals(0, retryAfterMissing.get());
      // Still serving once the storm is over.
      assertEquals(200, Http.get(port, "/health/live").statusCode());
      ExportTraceServiceRequest after = Otlp.traces(1, "after");
      assertEquals(200, Http.post(port, "/v1/traces", "application/x-protobuf", after.toByteArray()).statusCode());
      proc.process().destroy(); // SIGTERM: the shutdown hook closes the collector gracefully
      assertTrue(proc.process().waitFor(60, TimeUnit.SECONDS), "no graceful stop:\n" + proc.tail());
      assertTrue(proc.output().contains("STOPPED"), proc.tail());

      // The collector has stopped, so whatever it wrote is in the topic now: at least a record per
      // resource of every request answered 200 (three each, one for the request sent after).
      int acceptedRecords = statuses.get(200).get() * 3 + 1;
      Map<Long, Integer> stored = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : TestKafka.read(TestKafka.bootstrap(), prefix + "_spans", acceptedRecords,
          Duration.ofSeconds(60))) {
        for (long span : spanIds(ExportTraceServiceRequest.parseFrom(r.value()))) {
          stored.merge(span, 1, Integer::sum);
        }
      }
      for (long span : spanIds(after)) {
        assertEquals(1, stored.remove(span), "the span sent after the storm");
      }
      int acceptedSpans = 0;
      for (Map.Entry<Long, Integer> e : requestOfSpan.entrySet()) {
        int status = statusOfRequest.get(e.getValue());
        Integer copies = stored.get(e.getKey());
        if (status == 200) {
          assertEquals(1, copies, "a span answered 200 is not in Kafka exactly once");
          acceptedSpans++;
        } else if (status == 429) {
          assertNull(copies, "a span refused with 429 is in Kafka");
        } else {
          // 503: Kafka did not acknowledge in time; the records may still have landed, once.
          assertTrue(copies == null || copies == 1, "a span answered 503 is in Kafka " + copies + " times");
        }
      }
      assertEquals(statuses.get(200).get() * 6000, acceptedSpans);
      assertTrue(requestOfSpan.keySet().containsAll(stored.keySet()), "spans in Kafka that nobody sent");
    }
  }

  private static List<Long> spanIds(ExportTraceServiceRequest request) {
    List<Long> ids = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          ids.add(s.getSpanId().asReadOnlyByteBuffer().getLong());
        }
      }
    }
    return ids;
  }
}
