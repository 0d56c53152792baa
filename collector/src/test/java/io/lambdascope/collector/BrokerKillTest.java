package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.lambdascope.kafka.EmbeddedKafka;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker runs as its own JVM and is killed with SIGKILL in the middle of a load, then started
 * again. Meanwhile requests get 503 + Retry-After and readiness fails; afterwards the collector
 * recovers by itself, and every span whose request got a 2xx is in Kafka exactly once.
 */
class BrokerKillTest {
  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedSpanIsInKafkaExactlyOnceAcrossABrokerKill() throws Exception {
    int port = EmbeddedKafka.freePort();
    int controllerPort = EmbeddedKafka.freePort();
    Path props = writeServerProperties(port, controllerPort);
    // Formatting needs no JVM of its own (StorageTool.execute returns instead of exiting); the broker does.
    int formatted = kafka.tools.StorageTool.execute(new String[] {"format", "-t",
        org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", props.toString()},
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    assertEquals(0, formatted, "formatting the broker's storage failed");

    String bootstrap = "127.0.0.1:" + port;
    long t0 = System.nanoTime();
    JavaProcess broker = startBroker(props, 1);
    try {
      CollectorConfig config = CollectorConfig.builder(bootstrap)
          .port(0)
          .topicSpans("kill_spans").topicMetrics("kill_metrics").topicLogs("kill_logs")
          .kafkaTimeout(Duration.ofSeconds(4))
          .kafkaStartTimeout(Duration.ofSeconds(90))
          .build();
      try (Collector collector = Collector.start(config)) {
        phase(t0, "collector started");
        Load load = new Load(collector.port());
        load.start(3);
        load.awaitOk(10, 60);

        phase(t0, "load running");
        broker.process().destroyForcibly(); // SIGKILL on Linux
        broker.process().waitFor();
        int okBeforeOutage = load.ok.get();
        // Hold the outage until the collector has said so: a 503 with Retry-After, and not ready.
        load.await503(60);
        phase(t0, "503 seen");
        awaitReady(collector.port(), 503, 30);
        phase(t0, "not ready");

        broker = startBroker(props, 2);
        awaitReady(collector.port(), 200, 90);
        phase(t0, "ready again");
        load.awaitOk(load.ok.get() + 10, 90);
        load.stop();
        phase(t0, "load stopped");

        assertTrue(okBeforeOutage > 0);
        assertTrue(load.errors.isEmpty(), "unexpected answers: " + load.errors);
        Map<ByteString, Integer> stored = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> records =
            TestKafka.read(bootstrap, config.topicSpans(), load.ackedRequests.size(), Duration.ofSeconds(60));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(r.value()).getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
              ss.getSpansList().forEach(s -> stored.merge(s.getSpanId(), 1, Integer::sum));
            }
          }
        }
        int acked = 0;
        for (List<ByteString> request : load.ackedRequests) {
          for (ByteString spanId : request) {
            assertEquals(1, stored.getOrDefault(spanId, 0), "an acknowledged span is not in Kafka exactly once");
            acked++;
          }
        }
        stored.forEach((id, n) -> assertEquals(1, n, "a span was written twice"));
        assertTrue(acked >= 20 * Load.SPANS_PER_REQUEST, "acknowledged spans: " + acked);
      }
    } finally {
      broker.close();
    }
  }

  private static void phase(long t0, String what) {
    System.err.printf("BrokerKillTest: %s after %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private JavaProcess startBroker(Path props, int generation) throws InterruptedException {
    JavaProcess broker = JavaProcess.start(dir.resolve("broker-" + generation + ".log"), Map.of(),
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "kafka.Kafka", props.toString());
    return broker;
  }

  private Path writeServerProperties(int port, int controllerPort) throws IOException {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dir.resolve("data").toString());
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
    // A restart after SIGKILL waits for the old session to expire: keep it short.
    p.setProperty("broker.heartbeat.interval.ms", "500");
    p.setProperty("broker.session.timeout.ms", "2000");
    Path file = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "broker for BrokerKillTest");
    }
    return file;
  }

  private static void awaitReady(int port, int status, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    int last = -1;
    while (System.currentTimeMillis() < deadline) {
      last = Http.get(port, "/health/ready").statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("/health/ready stayed " + last + ", expected " + status);
  }

  /** Client threads sending requests of unique spans, remembering which were acknowledged. */
  private static final class Load {
    static final int SPANS_PER_REQUEST = 10;
    final int port;
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger unavailable = new AtomicInteger();
    final ConcurrentLinkedQueue<List<ByteString>> ackedRequests = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    final List<Future<?>> workers = new ArrayList<>();
    ExecutorService pool;

    Load(int port) {
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
        HttpResponse<byte[]> r = Http.post(port, "/v1/traces", "application/x-protobuf", request.toByteArray());
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

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
