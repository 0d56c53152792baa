package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.kafka.durability.ReplicationCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of the processor's topics against a real broker: the input topics and every store's changelog,
 * to be created ones included, in one quiet line on the single local broker.
 */
class ProcessorTopicsTest {
  @TempDir Path dir;

  @Test
  void aSingleLocalBrokerGetsOneQuietLineNamingEveryTopic() {
    Logger logger = (Logger) LoggerFactory.getLogger(ReplicationCheck.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try (EmbeddedKafka kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      ProcessorConfig config = ProcessorConfig.builder().bootstrapServers(kafka.bootstrapServers()).build();
      List<ReplicationCheck.Finding> findings = ProcessorTopics.checkReplication(admin, config, Processor.STORES,
          LoggerFactory.getLogger("processor-topics-test"));
      assertEquals(1, findings.size(), findings.toString());
      assertFalse(findings.get(0).warning(), findings.get(0).message());
      assertEquals(1, events.list.size(), events.list.toString());
      assertEquals(Level.INFO, events.list.get(0).getLevel());
      String line = events.list.get(0).getFormattedMessage();
      List<String> topics = new ArrayList<>(List.of(config.spansTopic() + " (input, to be created)",
          config.logsTopic() + " (input, to be created)"));
      Processor.STORES.forEach(s -> topics.add(config.applicationId() + "-" + s + "-changelog (state changelog, "
          + "to be created)"));
      assertEquals(6, topics.size());
      for (String topic : topics) {
        assertTrue(line.contains(topic), topic + " in " + line);
      }
      assertTrue(line.contains("on a single local broker (the laptop setup)"), line);
    } finally {
      logger.detachAppender(events);
    }
  }
}
