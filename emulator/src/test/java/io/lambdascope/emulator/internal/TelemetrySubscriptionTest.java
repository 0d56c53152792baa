package io.lambdascope.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delivery to one Telemetry API subscriber: batches within the buffering limits, in order, only while thawed. */
class TelemetrySubscriptionTest {
  private record Batch(long atNanos, int bytes, List<Integer> numbers) {}

  private final List<Batch> batches = new CopyOnWriteArrayList<>();
  private final AtomicInteger refuseNext = new AtomicInteger();
  private final AtomicInteger stops = new AtomicInteger();
  private final FreezeGate gate = FreezeGateTest.countingStops(stops);
  private HttpServer listener;
  private TelemetrySubscription subscription;

  @BeforeEach
  void listen() throws Exception {
    listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    listener.createContext("/", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (refuseNext.getAndDecrement() > 0) {
          exchange.sendResponseHeaders(500, -1);
          return;
        }
        List<Integer> numbers = new ArrayList<>();
        for (JsonNode e : Json.MAPPER.readTree(body)) {
          numbers.add(e.path("record").path("n").asInt());
        }
        batches.add(new Batch(System.nanoTime(), body.length, numbers));
        exchange.sendResponseHeaders(200, -1);
      }
    });
    listener.start();
  }

  @AfterEach
  void stop() {
    if (subscription != null) {
      subscription.close();
    }
    listener.stop(0);
  }

  private void subscribe(int maxItems, int maxBytes, long timeoutMs) {
    subscription = new TelemetrySubscription("test", Set.of("platform"), false,
        URI.create("http://127.0.0.1:" + listener.getAddress().getPort() + "/telemetry"), maxItems, maxBytes,
        timeoutMs, gate);
    subscription.start();
  }

  private static TelemetrySubscription.Event event(int n, String padding) {
    return new TelemetrySubscription.Event("platform",
        PlatformEventPublisher.event(Instant.now(), "platform.test", Map.of("n", n, "padding", padding)));
  }

  private List<Integer> delivered() {
    List<Integer> all = new ArrayList<>();
    batches.forEach(b -> all.addAll(b.numbers()));
    return all;
  }

  private void awaitDelivered(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (delivered().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(count, delivered().size(), "delivered: " + delivered().size());
  }

  @Test
  void batchesHoldAtMostMaxItemsAndArriveInOrder() throws Exception {
    subscribe(1000, 1_048_576, 25);
    for (int i = 0; i < 2500; i++) {
      subscription.offer(event(i, ""));
    }
    awaitDelivered(2500);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      expected.add(i);
    }
    assertEquals(expected, delivered());
    assertTrue(batches.stream().allMatch(b -> b.numbers().size() <= 1000), "batch sizes");
  }

  @Test
  void batchesHoldAtMostMaxBytes() throws Exception {
    subscribe(10_000, 262_144, 25);
    String padding = "x".repeat(1000);
    for (int i = 0; i < 600; i++) {
      subscription.offer(event(i, padding));
    }
    awaitDelivered(600);
    assertTrue(batches.size() >= 3, "600 events of 1 KB make at least three batches of 256 KiB: " + batches.size());
    // The array adds a bracket and a comma per event to the events' own bytes.
    assertTrue(batches.stream().allMatch(b -> b.bytes() <= 262_144 + b.numbers().size() + 1), "batch bytes");
  }

  @Test
  void aLoneEventWaitsForTimeoutMs() throws Exception {
    subscribe(1000, 262_144, 400);
    long offered = System.nanoTime();
    subscription.offer(event(1, ""));
    awaitDelivered(1);
    long waitedMs = (batches.get(0).atNanos() - offered) / 1_000_000;
    assertTrue(waitedMs >= 350, "delivered after " + waitedMs + " ms, before timeoutMs");
  }

  @Test
  void nothingIsDeliveredWhileFrozen() throws Exception {
    subscribe(1000, 262_144, 25);
    gate.freeze(0);
    assertEquals(1, stops.get(), "the processes were stopped");
    subscription.offer(event(1, ""));
    subscription.offer(event(2, ""));
    Thread.sleep(500);
    assertEquals(List.of(), delivered(), "delivered to a frozen environment");
    gate.thaw();
    awaitDelivered(2);
    assertEquals(List.of(1, 2), delivered());
  }

  @Test
  void aRefusedBatchIsSentAgainBeforeLaterEvents() throws Exception {
    subscribe(1000, 262_144, 25);
    refuseNext.set(2);
    subscription.offer(event(1, ""));
    Thread.sleep(100);
    subscription.offer(event(2, ""));
    awaitDelivered(2);
    assertEquals(List.of(1, 2), delivered());
  }

  @Test
  void whatTheListenerCannotTakeIsDroppedAndReported() throws Exception {
    subscribe(1000, 1_048_576, 25);
    refuseNext.set(Integer.MAX_VALUE);
    for (int i = 0; i < 10_005; i++) {
      subscription.offer(event(i, ""));
    }
    refuseNext.set(0);
    awaitDelivered(10_001);
    assertEquals(0, delivered().get(0));
    assertEquals(9_999, delivered().get(9_999), "the first ten times maxItems, in order");
    // The last one delivered is platform.logsDropped: its record has no "n".
    assertEquals(0, delivered().get(10_000));
  }

  @Test
  void onlyTheSubscribedTypes() throws Exception {
    subscribe(1000, 262_144, 25);
    subscription.offer(new TelemetrySubscription.Event("function",
        PlatformEventPublisher.event(Instant.now(), "function", "a log line")));
    subscription.offer(event(7, ""));
    awaitDelivered(1);
    assertEquals(List.of(7), delivered());
  }
}
