package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With Kafka slow to acknowledge (a long linger), admitted requests are held: past the request
 * bound the collector answers 429; on close it lets held requests finish, flushes, then stops.
 */
class BackpressureAndShutdownTest {
  private static final Pattern INFLIGHT = Pattern.compile("(?m)^lambdascope_collector_inflight_bytes\\S* (\\S+)$");

  @Test
  void pastTheRequestBoundRequestsGet429WithRetryAfter() throws Exception {
    try (Collector collector = Collector.start(TestKafka.config("backpressure")
        .maxInflightRequests(2)
        .kafkaProperty("linger.ms", "30000")
        .build())) {
      byte[] body = Otlp.traces(5, "held").toByteArray();
      List<CompletableFuture<HttpResponse<byte[]>>> held = sendAsync(collector.port(), body, 2);
      awaitInflightBytes(collector.port(), 2L * body.length);

      HttpResponse<byte[]> refused = Http.post(collector.port(), "/v1/traces", "application/x-protobuf", body);

      assertEquals(429, refused.statusCode());
      assertEquals("1", refused.headers().firstValue("retry-after").orElse(null));
      Map<String, Double> metrics = Scrape.of(collector.port());
      assertEquals(1.0, metrics.get("lambdascope_collector_rejected_total{reason=\"overloaded\",signal=\"traces\"}"));
      assertEquals(1.0, metrics.get("lambdascope_collector_requests_total{code=\"429\",signal=\"traces\"}"));
      // Closing flushes the lingering batch: the held requests are answered now, not after linger.ms.
      collector.close();
      for (CompletableFuture<HttpResponse<byte[]>> f : held) {
        assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
      }
      // The two held requests are in Kafka (one record each), the refused one is not.
      assertEquals(2, TestKafka.read(TestKafka.bootstrap(), collector.config().topicSpans(), 2, Duration.ofSeconds(20)).size());
    }
  }

  @Test
  void closeFinishesInFlightRequestsFlushesAndStopsListening() throws Exception {
    Collector collector = Collector.start(TestKafka.config("shutdown")
        .kafkaProperty("linger.ms", "20000")
        .build());
    int port = collector.port();
    byte[] body = Otlp.traces(3, "closing").toByteArray();
    List<CompletableFuture<HttpResponse<byte[]>>> inFlight = sendAsync(port, body, 4);
    awaitInflightBytes(port, 4L * body.length);

    collector.close();

    for (CompletableFuture<HttpResponse<byte[]>> f : inFlight) {
      assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode(), "an admitted request was not finished");
    }
    assertEquals(4, TestKafka.read(TestKafka.bootstrap(), collector.config().topicSpans(), 4, Duration.ofSeconds(20)).size());
    assertThrows(RuntimeException.class, () -> Http.get(port, "/health/live"));
  }

  private static List<CompletableFuture<HttpResponse<byte[]>>> sendAsync(int port, byte[] body, int n) {
    List<CompletableFuture<HttpResponse<byte[]>>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Http.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }
    return out;
  }

  /** Waits until the collector holds at least {@code bytes} for requests waiting on Kafka. */
  private static void awaitInflightBytes(int port, long bytes) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    String metrics = "";
    while (System.currentTimeMillis() < deadline) {
      metrics = Http.text(Http.get(port, "/metrics"));
      Matcher m = INFLIGHT.matcher(metrics);
      if (m.find() && Double.parseDouble(m.group(1)) >= bytes) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("in-flight bytes never reached " + bytes);
  }
}
