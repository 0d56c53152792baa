package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Start-up fails fast and says why, and leaves nothing running behind. */
class StartupFailureTest {
  @Test
  void unreachableKafkaFailsStartAfterTheStartTimeout() {
    CollectorConfig config = CollectorConfig.builder("127.0.0.1:" + EmbeddedKafka.freePort())
        .port(0)
        .kafkaStartTimeout(Duration.ofSeconds(2))
        .build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Collector.start(config));
    assertTrue(e.getMessage().startsWith("collector failed to start"), e.getMessage());
  }

  @Test
  void aBusyPortFailsStartAndTheFirstCollectorKeepsServing() {
    try (Collector first = Collector.start(TestKafka.config("busyport").build())) {
      CollectorConfig second = TestKafka.config("busyport").port(first.port()).build();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Collector.start(second));
      assertTrue(e.getMessage().startsWith("collector failed to start"), e.getMessage());
      assertTrue(Http.get(first.port(), "/health/live").statusCode() == 200);
    }
  }
}
