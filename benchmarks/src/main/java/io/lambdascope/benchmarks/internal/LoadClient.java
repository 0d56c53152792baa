package io.lambdascope.benchmarks.internal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
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
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Concurrent OTLP/HTTP clients on one Vert.x event loop (cheap enough not to be the bottleneck on
 * 2 cores): closed-loop for maximum throughput, open-loop at a fixed rate for latency.
 *
 * <p>Every request ends within a bound, and the outcome says where one that failed got stuck. An
 * open loop schedules requests whatever the answers do; when the machine cannot keep up (a load
 * average of 20 on 2 cores), they wait in this client's connection pool for a free connection,
 * where the collector never sees them. Unbounded, that queue held requests past the end of the
 * run, which then counted as unanswered while the collector had nothing in flight; and tens of
 * thousands of waiters slowed the client's one event loop further. So at most one request per
 * connection waits: a request due while that many wait is not sent at all and counts as {@code
 * notSent}, the load generator's shortfall. A request that was sent and got no answer within
 * {@link #ANSWER_TIMEOUT_MS} is {@code unanswered}, the server's. (No timeout on the wait for a
 * connection: Vert.x 5.0.7's pool can fail an already granted request when that timer fires, and
 * the waiters are bounded anyway: each waits at most for one answer ahead of it.)
 */
public final class LoadClient implements AutoCloseable {
  /** One pre-encoded request body, the number of items (spans, events) it carries, and extra headers. */
  public record Payload(byte[] body, int items, Map<String, String> headers) {
    public Payload(byte[] body, int items) {
      this(body, items, Map.of());
    }
  }

  /**
   * What a load phase achieved. {@code failed}: every request neither 2xx nor refused (429/503): a
   * connection error, another status, or one of these two: {@code unanswered}, sent and no answer
   * within the answer timeout (the server's fault), and {@code notSent}, due while every connection
   * was busy and as many requests waited (this client's shortfall: the server never saw it).
   */
  public record Outcome(long okRequests, long okItems, long refused, long failed, long unanswered, long notSent,
      double seconds, List<Long> latencyNanos) {
    public double itemsPerSecond() {
      return okItems / seconds;
    }
  }

  /** The longest a sent request waits for any byte of its answer before it counts as unanswered. */
  public static final long ANSWER_TIMEOUT_MS = 30_000;
  /** Every request has ended by then: it waited for the answer ahead of it on its connection, then for its own. */
  private static final long DRAIN_MS = 2 * ANSWER_TIMEOUT_MS + 5_000;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestOptions target;
  private final int connections;
  /** Requests sent or waiting for a connection. */
  private final AtomicInteger outstanding = new AtomicInteger();

  /** {@code connections}: the most HTTP/1.1 connections (and so requests in flight) at once. */
  public LoadClient(String url, String contentType, int connections) {
    URI uri = URI.create(url);
    this.connections = connections;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(connections));
    this.target =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setURI(uri.getPath())
            .setIdleTimeout(ANSWER_TIMEOUT_MS)
            .putHeader("Content-Type", contentType);
  }

  /** Completes with the status code once the whole answer is read; {@code sent} is set once it has a connection. */
  private Future<Integer> send(Payload p, AtomicBoolean sent) {
    return client
        .request(target)
        .compose(request -> {
          sent.set(true);
          p.headers().forEach(request::putHeader);
          return request.send(Buffer.buffer(p.body()));
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
      long sentAt = System.nanoTime();
      AtomicBoolean sent = new AtomicBoolean();
      c.started.incrementAndGet();
      send(p, sent).onComplete((status, e) -> {
        c.record(status, e, sent.get(), p, System.nanoTime() - sentAt);
        slots.release();
      });
    }
    // Drain: what is in flight still counts and takes its time; every request ends within its timeouts.
    slots.tryAcquire(concurrency, DRAIN_MS, TimeUnit.MILLISECONDS);
    return c.outcome((System.nanoTime() - start) / 1e9);
  }

  /**
   * Requests at a fixed rate whatever the answers do, for {@code duration}; latency is from the
   * scheduled send time, so a stall is charged to every request it delays.
   */
  public Outcome openLoop(List<Payload> payloads, double requestsPerSecond, Duration duration)
      throws InterruptedException {
    return openLoop(payloads, requestsPerSecond, duration, new AtomicBoolean());
  }

  /** As {@link #openLoop(List, double, Duration)}, ending early when {@code stop} is set. */
  public Outcome openLoop(
      List<Payload> payloads, double requestsPerSecond, Duration duration, AtomicBoolean stop)
      throws InterruptedException {
    Counters c = new Counters();
    long interval = (long) (1e9 / requestsPerSecond);
    long start = System.nanoTime();
    long count = duration.toNanos() / interval;
    for (long i = 0; i < count && !stop.get(); i++) {
      long scheduled = start + i * interval;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      Payload p = payloads.get((int) (i % payloads.size()));
      c.started.incrementAndGet();
      if (outstanding.get() >= 2 * connections) {
        c.notSent.incrementAndGet(); // every connection busy and as many waiting: this client is behind
        continue;
      }
      outstanding.incrementAndGet();
      AtomicBoolean sent = new AtomicBoolean();
      send(p, sent).onComplete((status, e) -> {
        outstanding.decrementAndGet();
        c.record(status, e, sent.get(), p, System.nanoTime() - scheduled);
      });
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
    while (c.ended() < c.started.get() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return c.outcome((System.nanoTime() - start) / 1e9);
  }

  private static final class Counters {
    final AtomicLong started = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong okItems = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong unanswered = new AtomicLong();
    final AtomicLong notSent = new AtomicLong();
    final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

    void record(Integer status, Throwable error, boolean sent, Payload p, long nanos) {
      if (error instanceof TimeoutException && sent) {
        unanswered.incrementAndGet();
      } else if (error instanceof ConnectionPoolTooBusyException) {
        notSent.incrementAndGet();
      } else if (error != null) {
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

    long ended() {
      return ok.get() + refused.get() + failed.get() + unanswered.get() + notSent.get();
    }

    /** Requests still without an end after the drain (none, with the timeouts above) count as unanswered. */
    Outcome outcome(double seconds) {
      long stuck = Math.max(0, started.get() - ended());
      long noAnswer = unanswered.get() + stuck;
      return new Outcome(ok.get(), okItems.get(), refused.get(), failed.get() + noAnswer + notSent.get(), noAnswer,
          notSent.get(), seconds, List.copyOf(latencies));
    }
  }
}
