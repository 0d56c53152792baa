package io.lambdascope.benchmarks.internal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Concurrent OTLP/HTTP clients on one Vert.x event loop (cheap enough not to be the bottleneck on
 * 2 cores): closed-loop for maximum throughput, open-loop at a fixed rate for latency.
 */
public final class LoadClient implements AutoCloseable {
  /** One pre-encoded request body, the number of items (spans, events) it carries, and extra headers. */
  public record Payload(byte[] body, int items, Map<String, String> headers) {
    public Payload(byte[] body, int items) {
      this(body, items, Map.of());
    }
  }

  /** What a load phase achieved. */
  public record Outcome(long okRequests, long okItems, long refused, long failed, double seconds, List<Long> latencyNanos) {
    public double itemsPerSecond() {
      return okItems / seconds;
    }
  }

  /** The longest wait for the answers still outstanding at the end of a phase. */
  private static final long DRAIN_SECONDS = 60;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestOptions target;

  /** {@code connections}: the most HTTP/1.1 connections (and so requests in flight) at once. */
  public LoadClient(String url, String contentType, int connections) {
    URI uri = URI.create(url);
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.target =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setURI(uri.getPath())
            .setIdleTimeout(30_000)
            .putHeader("Content-Type", contentType);
  }

  /** Completes with the status code once the whole answer is read. */
  private Future<Integer> send(Payload p) {
    Buffer body = Buffer.buffer(p.body());
    return client
        .request(target)
        .compose(request -> {
          p.headers().forEach(request::putHeader);
          return request.send(body);
        })
        .compose(response -> response.body().map(ignored -> response.statusCode()));
  }

  @Override
  public void close() {
    client.close().await();
    vertx.close().await();
  }

  /** At most {@code concurrency} requests in flight, for {@code duration}; each answer starts the next request. */
  public Outcome closedLoop(List<Payload> payloads, int concurrency, Duration duration) throws InterruptedException {
    Counters c = new Counters();
    Semaphore slots = new Semaphore(concurrency);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    int i = 0;
    while (System.nanoTime() < end) {
      if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      Payload p = payloads.get(i++ % payloads.size());
      long sent = System.nanoTime();
      send(p).onComplete((status, e) -> {
        c.record(status, e, p, System.nanoTime() - sent);
        slots.release();
      });
    }
    // Drain: what is in flight still counts and takes its time, but a request that is never
    // answered must not hang the harness; it counts as failed.
    if (!slots.tryAcquire(concurrency, DRAIN_SECONDS, TimeUnit.SECONDS)) {
      c.failed.addAndGet(concurrency - slots.availablePermits());
    }
    return c.outcome((System.nanoTime() - start) / 1e9);
  }

  /**
   * Requests at a fixed rate whatever the answers do, for {@code duration}; latency is from the
   * scheduled send time, so a stall is charged to every request it delays.
   */
  public Outcome openLoop(List<Payload> payloads, double requestsPerSecond, Duration duration)
      throws InterruptedException {
    return openLoop(payloads, requestsPerSecond, duration, new java.util.concurrent.atomic.AtomicBoolean());
  }

  /** As {@link #openLoop(List, double, Duration)}, ending early when {@code stop} is set. */
  public Outcome openLoop(
      List<Payload> payloads, double requestsPerSecond, Duration duration, java.util.concurrent.atomic.AtomicBoolean stop)
      throws InterruptedException {
    Counters c = new Counters();
    long interval = (long) (1e9 / requestsPerSecond);
    long start = System.nanoTime();
    long count = duration.toNanos() / interval;
    AtomicLong pending = new AtomicLong(count);
    for (long i = 0; i < count; i++) {
      if (stop.get()) {
        pending.addAndGet(i - count);
        break;
      }
      long scheduled = start + i * interval;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      Payload p = payloads.get((int) (i % payloads.size()));
      send(p).onComplete((status, e) -> {
        c.record(status, e, p, System.nanoTime() - scheduled);
        pending.decrementAndGet();
      });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
    while (pending.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    c.failed.addAndGet(Math.max(0, pending.get()));
    return c.outcome((System.nanoTime() - start) / 1e9);
  }

  private static final class Counters {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong okItems = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

    void record(Integer status, Throwable error, Payload p, long nanos) {
      if (error != null) {
        failed.incrementAndGet();
      } else if (status / 100 == 2) {
        ok.incrementAndGet();
        okItems.addAndGet(p.items());
        latencies.add(nanos);
      } else if (status == 429 || status == 503) {
        refused.incrementAndGet();
      } else {
        failed.incrementAndGet();
      }
    }

    Outcome outcome(double seconds) {
      return new Outcome(ok.get(), okItems.get(), refused.get(), failed.get(), seconds, List.copyOf(latencies));
    }
  }
}
