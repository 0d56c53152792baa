package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak on an overloaded machine: a collector in its own JVM with a small heap and small
 * in-flight limits, many concurrent clients on plain sockets (no queue of their own), and CPU
 * burners on top. Every request gets 200, 429 or 503 (the latter two with Retry-After) within its
 * timeout, and every span answered 200 is in Kafka exactly once; none answered 429 is there.
 */
class OverloadSoakTest {
  private static final int CLIENTS = 40;
  private static final long LOAD_SECONDS = 15;
  private static final int BURNER_THREADS = 6;
  /** A client's wait for its answer: the Kafka timeout and the read timeout with room for a starved machine. */
  private static final int REQUEST_TIMEOUT_MS = 20_000;

  @TempDir
  Path dir;

  /** One request: its spans and what became of it. */
  private record Sent(List<Long> spanIds, int status) {}

  @Test
  void everyRequestIsAnsweredInTimeAndEveryAcknowledgedSpanIsInKafkaOnce() throws Exception {
    long t0 = System.nanoTime();
    String prefix = "soak_" + TestKafka.randomId().substring(0, 8);
    Map<String, String> env = Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrap(),
        "LAMBDASCOPE_OTLP_PORT", "0",
        "LAMBDASCOPE_TOPIC_SPANS", prefix + "_spans",
        "LAMBDASCOPE_TOPIC_METRICS", prefix + "_metrics",
        "LAMBDASCOPE_TOPIC_LOGS", prefix + "_logs",
        "LAMBDASCOPE_MAX_REQUEST_BYTES", "256KiB",
        "LAMBDASCOPE_MAX_DECOMPRESSED_BYTES", "256KiB",
        "LAMBDASCOPE_MAX_INFLIGHT_BYTES", "1MiB",
        "LAMBDASCOPE_MAX_INFLIGHT_REQUESTS", "6",
        "LAMBDASCOPE_KAFKA_TIMEOUT", "3s");
    List<String> jvm = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    try (JavaProcess proc = JavaProcess.start(dir.resolve("collector.log"), env, jvm, ForkedCollectorMain.class.getName());
        JavaProcess burner = JavaProcess.start(dir.resolve("burner.log"), Map.of(), List.of("-Xmx16m"),
            CpuBurner.class.getName(), Integer.toString(BURNER_THREADS), Long.toString(LOAD_SECONDS + 30))) {
      int port = Integer.parseInt(proc.awaitLine(l -> l.startsWith("LISTENING "), 120_000).substring(10).trim());
      burner.awaitLine(l -> l.startsWith("BURNING"), 30_000);
      phase(t0, "collector and burners started");

      ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicLong slowestMs = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOAD_SECONDS);
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          clients.add(pool.submit(() -> {
            try (RawHttpConnection http = new RawHttpConnection(port)) {
              while (System.nanoTime() < end) {
                // From a few spans to about 100 KiB: small agent exports and big batches.
                int spans = ThreadLocalRandom.current().nextInt(1, 300);
                ExportTraceServiceRequest request = Otlp.traces(spans, "soak-a", "soak-b");
                long start = System.nanoTime();
                RawHttpConnection.Answer a;
                try {
                  a = http.post("/v1/traces", "application/x-protobuf", request.toByteArray(), REQUEST_TIMEOUT_MS);
                } catch (IOException e) {
                  failures.add(e.getMessage() + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
                  continue;
                }
                slowestMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                statuses.computeIfAbsent(a.status(), k -> new AtomicInteger()).incrementAndGet();
                sent.add(new Sent(spanIds(request), a.status()));
                if (a.status() == 429 || a.status() == 503) {
                  if (a.retryAfter() == null) {
                    failures.add(a.status() + " without Retry-After");
                  }
                  // Agents wait as Retry-After says; these come back sooner, to keep the pressure on.
                  Thread.sleep(ThreadLocalRandom.current().nextInt(20, 100));
                }
              }
            }
            return null;
          }));
        }
        for (Future<?> f : clients) {
          f.get(LOAD_SECONDS + REQUEST_TIMEOUT_MS / 1000 + 60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      String load = Files.readString(Path.of("/proc/loadavg")).trim();
      burner.close();
      phase(t0, "load done");
      System.err.printf("OverloadSoakTest: %d requests %s, slowest answer %d ms, load average %s%n",
          sent.size(), new TreeMap<>(statuses), slowestMs.get(), load);

      assertTrue(failures.isEmpty(), failures.size() + " requests not answered properly, e.g. "
          + failures.stream().limit(5).toList() + "; statuses " + statuses + "\n" + proc.tail());
      assertTrue(statuses.keySet().stream().allMatch(s -> s == 200 || s == 429 || s == 503), statuses.toString());
      assertTrue(statuses.containsKey(200), "nothing accepted: " + statuses);
      assertTrue(statuses.containsKey(429), "the in-flight limit was never reached, so this was no overload: " + statuses);
      assertTrue(proc.process().isAlive(), "the collector died:\n" + proc.tail());
      proc.process().destroy(); // SIGTERM: the shutdown hook closes the collector gracefully
      assertTrue(proc.process().waitFor(60, TimeUnit.SECONDS), "no graceful stop:\n" + proc.tail());
      assertTrue(proc.output().contains("STOPPED"), proc.tail());
      assertTrue(!proc.output().contains("OutOfMemoryError"), proc.tail());

      phase(t0, "collector stopped");
      // Stopped, so everything it wrote is in the topic: at least a record per resource of each 200.
      int acceptedRecords = statuses.get(200).get() * 2;
      Map<Long, Integer> stored = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : TestKafka.read(TestKafka.bootstrap(), prefix + "_spans", acceptedRecords,
          Duration.ofSeconds(60))) {
        for (long span : spanIds(ExportTraceServiceRequest.parseFrom(r.value()))) {
          stored.merge(span, 1, Integer::sum);
        }
      }
      long acknowledged = 0;
      for (Sent s : sent) {
        for (long span : s.spanIds()) {
          Integer copies = stored.remove(span);
          if (s.status() == 200) {
            assertEquals(1, copies, "a span answered 200 is not in Kafka exactly once");
            acknowledged++;
          } else if (s.status() == 429) {
            assertEquals(null, copies, "a span refused with 429 is in Kafka");
          } else {
            assertTrue(copies == null || copies == 1, "a span answered 503 is in Kafka " + copies + " times");
          }
        }
      }
      assertTrue(stored.isEmpty(), stored.size() + " spans in Kafka that no request sent");
      assertTrue(acknowledged > 0);
      phase(t0, "Kafka checked");
    }
  }

  private static void phase(long t0, String what) {
    System.err.printf("OverloadSoakTest: %s after %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private static List<Long> spanIds(ExportTraceServiceRequest request) {
    List<Long> ids = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (Span s : rs.getScopeSpans(0).getSpansList()) {
        ids.add(s.getSpanId().asReadOnlyByteBuffer().getLong());
      }
    }
    return ids;
  }
}
