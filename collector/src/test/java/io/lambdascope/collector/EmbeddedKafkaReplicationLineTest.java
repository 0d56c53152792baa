package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The laptop setup, a single broker on this machine, gets one quiet line about replication, not a warning. */
class EmbeddedKafkaReplicationLineTest {
  @Test
  void theSingleLocalBrokerGetsOneQuietLine() {
    CollectorConfig config = TestKafka.config("replication").build();
    try (LogCapture logs = new LogCapture("io.lambdascope.kafka.durability.ReplicationCheck");
        Collector collector = Collector.start(config)) {
      assertEquals(List.of(new LogCapture.Line(Level.INFO, "Kafka topics " + config.topicSpans() + ", "
          + config.topicMetrics() + ", " + config.topicLogs() + ": replication factor 1, min.insync.replicas 1 on a "
          + "single local broker (the laptop setup): acknowledged telemetry lives on this machine's disk only; a "
          + "production cluster wants replication factor 3 and min.insync.replicas=2")), logs.lines());
    }
  }
}
