package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A shortcut AWS does not have, kept in this one class until CloudWatch-style series replace it: a synchronous call
 * refused at the reserved concurrency never reaches an environment, and on AWS only CloudWatch ({@code AWS/Lambda
 * Throttles}) sees it. The emulator posts a {@code lambdascope.throttle} event for it straight to the collector
 * ({@code POST {endpoint}/v1/lambda/telemetry}, a JSON array, header {@code X-Lambdascope-Function}, as
 * docs/telemetry.md section 2 says). Refusals only enqueue: a bounded queue and one sender thread, so a slow or
 * absent collector costs dropped events (counted), never a blocked call. Nothing else goes to the collector from
 * the emulator: platform events reach an environment's Telemetry API subscribers or nobody.
 */
public final class ThrottleEventShortcut implements AutoCloseable {
  private static final int QUEUE_CAPACITY = 10_000;
  private static final int MAX_BATCH = 200;

  private record Event(String function, Map<String, Object> body) {}

  private final URI target;
  private final Optional<String> token;
  private final ArrayBlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final HttpClient client;
  private final Thread sender;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  public ThrottleEventShortcut(URI endpoint, Optional<String> token) {
    String base = requireNonNull(endpoint, "endpoint").toString();
    this.target = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/lambda/telemetry");
    this.token = requireNonNull(token, "token");
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    this.sender = new Thread(this::run, "lambdascope-throttle-events");
    sender.setDaemon(true);
    sender.start();
  }

  /** Events the collector accepted. */
  public long sent() {
    return sent.get();
  }

  /** Events dropped: queue full, collector down or refusing. */
  public long dropped() {
    return dropped.get();
  }

  /** Reports a refused invocation ({@code lambdascope.throttle}); never blocks. */
  public void throttled(String function, String requestId) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("requestId", requestId);
    record.put("reason", "ReservedFunctionConcurrentInvocationLimitExceeded");
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("time", Json.time(Instant.now()));
    event.put("type", "lambdascope.throttle");
    event.put("record", record);
    if (!queue.offer(new Event(function, event))) {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    List<Event> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Event first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        Map<String, List<Map<String, Object>>> byFunction = new LinkedHashMap<>();
        for (Event e : batch) {
          byFunction.computeIfAbsent(e.function(), f -> new ArrayList<>()).add(e.body());
        }
        batch.clear();
        byFunction.forEach(this::post);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void post(String function, List<Map<String, Object>> events) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(target)
          .timeout(Duration.ofSeconds(2))
          .header("Content-Type", "application/json")
          .header("X-Lambdascope-Function", function)
          .header("X-Lambdascope-Function-Version", "$LATEST")
          .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(events)));
      token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
      HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        sent.addAndGet(events.size());
      } else {
        dropped.addAndGet(events.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dropped.addAndGet(events.size());
    } catch (Exception e) {
      dropped.addAndGet(events.size());
    }
  }

  /** Sends what is queued (for up to {@code wait}), then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      sender.join(3000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
