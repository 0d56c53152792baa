package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Far more load than the in-flight bound, against a collector with a small heap in its own JVM:
 * it refuses the excess with 429 + Retry-After, never runs out of memory, and keeps answering.
 */
class OverloadTest {
  @TempDir
  Path dir;

  @Test
  void overloadIsRefusedRetryablyAndTheProcessSurvives() throws Exception {
    String prefix = "overload_" + TestKafka.randomId().substring(0, 8);
    // Kafka answers a little later than usual, so requests pile up past the in-flight bound.
    Path kafkaConfig = dir.resolve("kafka.properties");
    java.nio.file.Files.writeString(kafkaConfig, "linger.ms=200\n");
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
    try (JavaProcess proc = JavaProcess.start(dir.resolve("collector.log"), env,
        List.of("-Xmx72m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        ForkedCollectorMain.class.getName())) {
      int port = Integer.parseInt(proc.awaitLine(l -> l.startsWith("LISTENING "), 60_000).substring(10).trim());
      byte[] big = Otlp.traces(2000, "overload-a", "overload-b", "overload-c").toByteArray();
      assertTrue(big.length > 512 * 1024 && big.length < 2 << 20, "body of " + big.length);

      int clients = 10;
      int perClient = 4;
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicInteger retryAfterMissing = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int c = 0; c < clients; c++) {
          done.add(pool.submit(() -> {
            for (int i = 0; i < perClient; i++) {
              HttpResponse<byte[]> r = Http.post(port, "/v1/traces", "application/x-protobuf", big);
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
      assertEquals(200, Http.post(port, "/v1/traces", "application/x-protobuf", Otlp.traces(1, "after").toByteArray()).statusCode());
      proc.process().destroy(); // SIGTERM: the shutdown hook closes the collector gracefully
      assertTrue(proc.process().waitFor(60, TimeUnit.SECONDS), "no graceful stop:\n" + proc.tail());
      assertTrue(proc.output().contains("STOPPED"), proc.tail());
    }
  }
}
