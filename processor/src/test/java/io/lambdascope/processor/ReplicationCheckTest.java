package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The start-up check of replication: loud where committed data could live on one disk, one quiet line on a single broker. */
class ReplicationCheckTest {
  @TempDir Path dir;

  private static ReplicationCheck.TopicFacts topic(String name, int rf, int minIsr, boolean exists) {
    return new ReplicationCheck.TopicFacts(name, "input", rf, minIsr, exists);
  }

  @Test
  void warnsForEachTopicThatALostDiskCouldTakeDataFrom() {
    ReplicationCheck.Verdict v = ReplicationCheck.assess(3, List.of(
        topic("otlp_spans", 3, 2, true),
        topic("otlp_logs", 1, 1, true),
        topic("app-function-state-changelog", 3, 1, true),
        topic("app-invocations-changelog", 1, 1, false)));
    assertNull(v.singleBroker());
    assertEquals(3, v.warnings().size(), v.warnings().toString());
    assertTrue(v.warnings().get(0).startsWith("otlp_logs (input) has replication factor 1 on a cluster of 3 brokers"),
        v.warnings().get(0));
    assertTrue(v.warnings().get(1).startsWith("app-function-state-changelog (input) has min.insync.replicas=1"),
        v.warnings().get(1));
    assertTrue(v.warnings().get(2).contains("to be created")
        && v.warnings().get(2).contains("LAMBDASCOPE_TOPIC_REPLICATION_FACTOR=3"), v.warnings().get(2));
    assertEquals(List.of(), ReplicationCheck.assess(3, List.of(topic("otlp_spans", 3, 2, true))).warnings());
  }

  @Test
  void aSingleBrokerGetsOneQuietLine() {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Logger logger = (Logger) LoggerFactory.getLogger("replication-check-test");
      ListAppender<ILoggingEvent> events = new ListAppender<>();
      events.start();
      logger.addAppender(events);
      ProcessorConfig config = ProcessorConfig.builder().bootstrapServers(kafka.bootstrapServers()).build();
      ReplicationCheck.Verdict v = ReplicationCheck.run(admin, config, Processor.STORES, logger);
      assertNotNull(v.singleBroker());
      assertEquals(List.of(), v.warnings());
      assertEquals(1, events.list.size(), events.list.toString());
      assertEquals(Level.INFO, events.list.get(0).getLevel());
      assertTrue(events.list.get(0).getFormattedMessage().contains("6 topics"), events.list.get(0).getFormattedMessage());
    }
  }
}
