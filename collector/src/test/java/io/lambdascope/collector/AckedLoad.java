package io.lambdascope.collector;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Client threads sending requests of unique spans to a collector while a test breaks Kafka,
 * remembering which were acknowledged; then the check that each acknowledged span is in the topic
 * exactly once and no span twice. 503 with Retry-After is expected during an outage; any other
 * answer is an error.
 */
final class AckedLoad {
  static final int SPANS_PER_REQUEST = 10;
  private final int port;
  private final AtomicBoolean running = new AtomicBoolean(true);
  final AtomicInteger ok = new AtomicInteger();
  final AtomicInteger unavailable = new AtomicInteger();
  final ConcurrentLinkedQueue<List<ByteString>> ackedRequests = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
  private final List<Future<?>> workers = new ArrayList<>();
  private ExecutorService pool;

  AckedLoad(int port) {
    this.port = port;
  }

  void start(int threads) {
    pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      workers.add(pool.submit(this::run));
    }
  }

  private void run() {
    while (running.get()) {
      ExportTraceServiceRequest request = Otlp.traces(SPANS_PER_REQUEST, "kill-a", "kill-b");
      List<ByteString> ids = new ArrayList<>();
      for (ResourceSpans rs : request.getResourceSpansList()) {
        rs.getScopeSpans(0).getSpansList().stream().map(Span::getSpanId).forEach(ids::add);
      }
      HttpResponse<byte[]> r;
      try {
        r = Http.post(port, "/v1/traces", "application/x-protobuf", request.toByteArray());
      } catch (RuntimeException e) {
        errors.add(e.toString());
        continue;
      }
      if (r.statusCode() == 200) {
        ackedRequests.add(ids);
        ok.incrementAndGet();
      } else if (r.statusCode() == 503 && r.headers().firstValue("retry-after").isPresent()) {
        unavailable.incrementAndGet();
        sleep(200);
      } else {
        errors.add(r.statusCode() + " " + Http.text(r));
      }
    }
  }

  void awaitOk(int count, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (ok.get() < count) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("only " + ok.get() + " acknowledged requests, expected " + count + "; errors " + errors);
      }
      Thread.sleep(50);
    }
  }

  void await503(int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (unavailable.get() == 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no 503 while the broker was down; errors " + errors);
      }
      Thread.sleep(50);
    }
  }

  void stop() throws Exception {
    running.set(false);
    for (Future<?> f : workers) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }

  /**
   * Reads the topic and fails unless every acknowledged span is in it exactly once and no span is
   * in it twice; returns the number of acknowledged spans.
   */
  int assertEveryAcknowledgedSpanOnce(String bootstrap, String topic) throws Exception {
    Map<ByteString, Integer> stored = new HashMap<>();
    List<ConsumerRecord<byte[], byte[]>> records = TestKafka.read(bootstrap, topic, ackedRequests.size(), Duration.ofSeconds(60));
    for (ConsumerRecord<byte[], byte[]> r : records) {
      for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(r.value()).getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          ss.getSpansList().forEach(s -> stored.merge(s.getSpanId(), 1, Integer::sum));
        }
      }
    }
    int acked = 0;
    for (List<ByteString> request : ackedRequests) {
      for (ByteString spanId : request) {
        if (stored.getOrDefault(spanId, 0) != 1) {
          throw new AssertionError("an acknowledged span is in Kafka " + stored.getOrDefault(spanId, 0) + " times");
        }
        acked++;
      }
    }
    stored.forEach((id, n) -> {
      if (n != 1) {
        throw new AssertionError("a span was written " + n + " times");
      }
    });
    return acked;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
