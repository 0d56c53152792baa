package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.FunctionDefinition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Asynchronous invocations of one function (Event invocation type, schedules): an internal queue, workers that
 * retry a throttled event later instead of failing it, {@code maxRetries} retries on error or timeout with a doubling delay,
 * the same request id on every attempt, a maximum event age, and an on-failure destination that is an SQS queue.
 */
public final class AsyncInvoker implements AutoCloseable {
  private static final int CAPACITY = 10_000;
  private static final int MAX_WORKERS = 8;

  private final FunctionRuntime runtime;
  private final Duration retryDelay;
  private final BiConsumer<String, String> sendToQueue;
  private final DelayQueue<AsyncEvent> queue = new DelayQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param sendToQueue (queue name, message body): delivers a failure record to the on-failure destination
   */
  public AsyncInvoker(FunctionRuntime runtime, Duration retryDelay, BiConsumer<String, String> sendToQueue) {
    this.runtime = requireNonNull(runtime, "runtime");
    this.retryDelay = requireNonNull(retryDelay, "retryDelay");
    this.sendToQueue = requireNonNull(sendToQueue, "sendToQueue");
    int n = Math.min(MAX_WORKERS, runtime.definition().reservedConcurrency());
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(this::work, "lambdascope-async-" + runtime.definition().name() + "-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /** Accepts an event; false when the queue is full. */
  public boolean enqueue(String requestId, byte[] payload) {
    if (closed || queued.incrementAndGet() > CAPACITY) {
      queued.decrementAndGet();
      return false;
    }
    queue.add(new AsyncEvent(requestId, payload, System.currentTimeMillis()));
    runtime.metrics().asyncEventReceived();
    return true;
  }

  /** Events waiting (including those waiting for a retry). */
  public int queued() {
    return queued.get();
  }

  private void work() {
    FunctionDefinition.AsyncConfig config = runtime.definition().async();
    while (!closed) {
      try {
        AsyncEvent event = queue.poll(200, TimeUnit.MILLISECONDS);
        if (event == null) {
          continue;
        }
        if (System.currentTimeMillis() - event.enqueuedAtMs > config.maxEventAge().toMillis()) {
          giveUp(event, "EventAgeExceeded", null);
          continue;
        }
        if (!runtime.tryAcquire()) {
          // Throttled: Lambda counts it and returns the event to the queue, retrying after 1 s, then doubling.
          runtime.throttled();
          event.readyAtMs = System.currentTimeMillis() + ThrottleBackoff.delayMs(++event.throttledAttempts);
          queue.add(event);
          continue;
        }
        runtime.metrics().asyncEventAge(System.currentTimeMillis() - event.enqueuedAtMs);
        InvocationResult result = runtime.invoke(event.requestId, event.payload);
        event.attempts++;
        if (!result.failed()) {
          queued.decrementAndGet();
        } else if (event.attempts <= config.maxRetries()) {
          event.readyAtMs = System.currentTimeMillis() + retryDelay.toMillis() * (1L << (event.attempts - 1));
          queue.add(event);
        } else {
          giveUp(event, "RetriesExhausted", result);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // keep the worker alive: one broken event must not stop the function's queue
        System.err.println("lambdascope emulator: async worker error: " + e);
      }
    }
  }

  private void giveUp(AsyncEvent event, String condition, InvocationResult result) {
    queued.decrementAndGet();
    runtime.metrics().asyncEventDropped();
    runtime.definition().async().onFailureQueue().ifPresent(q -> {
      try {
        sendToQueue.accept(q, failureRecord(event, condition, result));
      } catch (RuntimeException e) {
        System.err.println("lambdascope emulator: cannot send to on-failure destination " + q + ": " + e);
      }
    });
  }

  /** The record Lambda sends to an on-failure destination. */
  private String failureRecord(AsyncEvent event, String condition, InvocationResult result) {
    Map<String, Object> requestContext = new LinkedHashMap<>();
    requestContext.put("requestId", event.requestId);
    requestContext.put("functionArn", runtime.arn() + ":$LATEST");
    requestContext.put("condition", condition);
    requestContext.put("approximateInvokeCount", event.attempts);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("version", "1.0");
    record.put("timestamp", Json.time(Instant.now()));
    record.put("requestContext", requestContext);
    record.put("requestPayload", jsonOrString(event.payload));
    if (result != null) {
      Map<String, Object> responseContext = new LinkedHashMap<>();
      responseContext.put("statusCode", 200);
      responseContext.put("executedVersion", "$LATEST");
      responseContext.put("functionError", "Unhandled");
      record.put("responseContext", responseContext);
      record.put("responsePayload", jsonOrString(result.body()));
    }
    return Json.string(record);
  }

  private static Object jsonOrString(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (java.io.IOException e) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    closed = true;
    workers.forEach(Thread::interrupt);
  }

  private static final class AsyncEvent implements Delayed {
    final String requestId;
    final byte[] payload;
    final long enqueuedAtMs;
    volatile long readyAtMs;
    int attempts;
    int throttledAttempts;

    AsyncEvent(String requestId, byte[] payload, long enqueuedAtMs) {
      this.requestId = requestId;
      this.payload = payload;
      this.enqueuedAtMs = enqueuedAtMs;
      this.readyAtMs = enqueuedAtMs;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(readyAtMs - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(readyAtMs, ((AsyncEvent) other).readyAtMs);
    }
  }
}
