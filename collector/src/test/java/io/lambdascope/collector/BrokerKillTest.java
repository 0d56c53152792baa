package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
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
    long t0 = System.nanoTime();
    try (KafkaBrokerJvm broker = new KafkaBrokerJvm(dir, Uuid.randomUuid().toString(), 1, port, controllerPort,
        "1@127.0.0.1:" + controllerPort, Map.of()).start()) {
      CollectorConfig config = CollectorConfig.builder(broker.address())
          .port(0)
          .topicSpans("kill_spans").topicMetrics("kill_metrics").topicLogs("kill_logs")
          .kafkaTimeout(Duration.ofSeconds(4))
          .kafkaStartTimeout(Duration.ofSeconds(90))
          .build();
      try (Collector collector = Collector.start(config)) {
        phase(t0, "collector started");
        AckedLoad load = new AckedLoad(collector.port());
        load.start(3);
        load.awaitOk(10, 60);

        phase(t0, "load running");
        broker.kill();
        int okBeforeOutage = load.ok.get();
        // Hold the outage until the collector has said so: a 503 with Retry-After, and not ready.
        load.await503(60);
        phase(t0, "503 seen");
        awaitReady(collector.port(), 503, 30);
        phase(t0, "not ready");

        broker.start();
        awaitReady(collector.port(), 200, 90);
        phase(t0, "ready again");
        load.awaitOk(load.ok.get() + 10, 90);
        load.stop();
        phase(t0, "load stopped");

        assertTrue(okBeforeOutage > 0);
        assertTrue(load.errors.isEmpty(), "unexpected answers: " + load.errors);
        int acked = load.assertEveryAcknowledgedSpanOnce(broker.address(), config.topicSpans());
        assertTrue(acked >= 20 * AckedLoad.SPANS_PER_REQUEST, "acknowledged spans: " + acked);
      }
    }
  }

  private static void phase(long t0, String what) {
    System.err.printf("BrokerKillTest: %s after %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  static void awaitReady(int port, int status, int seconds) throws InterruptedException {
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
}
