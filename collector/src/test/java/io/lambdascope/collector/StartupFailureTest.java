package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start-up fails fast and says why, and leaves nothing running behind. */
class StartupFailureTest {
  @Test
  void unreachableKafkaFailsStartAfterTheStartTimeout() throws InterruptedException {
    List<String> before = collectorThreads();
    CollectorConfig config = CollectorConfig.builder("127.0.0.1:" + EmbeddedKafka.freePort())
        .port(0)
        .kafkaStartTimeout(Duration.ofSeconds(2))
        .build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Collector.start(config));
    assertTrue(e.getMessage().startsWith("collector failed to start"), e.getMessage());
    awaitThreads(before);
  }

  @Test
  void aBusyPortFailsStartAndTheFirstCollectorKeepsServing() throws InterruptedException {
    try (Collector first = Collector.start(TestKafka.config("busyport").build())) {
      List<String> before = collectorThreads();
      CollectorConfig second = TestKafka.config("busyport").port(first.port()).build();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Collector.start(second));
      assertTrue(e.getMessage().startsWith("collector failed to start"), e.getMessage());
      assertEquals(200, Http.get(first.port(), "/health/live").statusCode());
      awaitThreads(before);
    }
  }

  /** The threads a collector starts: its Kafka clients (named by client id), Vert.x, the decoders. */
  private static List<String> collectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.contains("lambdascope-collector") || n.startsWith("vert.x-") || n.startsWith("lambdascope-decode"))
        .sorted()
        .toList();
  }

  /** Waits until no more collector threads run than before the failed start (stopping threads may take a moment). */
  private static void awaitThreads(List<String> before) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> now = collectorThreads();
    while (now.size() > before.size() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      now = collectorThreads();
    }
    assertTrue(now.size() <= before.size(), "left running: " + now + ", before: " + before);
  }
}
