package io.lambdascope.processor.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.processor.Processor;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.Scrape;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Two replicas of one application, both configured with the same DLQ: only the replica running
 * the task of the spans topic's partition 0 polls it; when that replica stops, Kafka Streams moves
 * the task and the other replica polls.
 */
class OneWatcherPerClusterTest {
  static final String LAST_SUCCESS = "lambdascope_dlq_last_success_timestamp_seconds{cloud_account_id=\"000000000000\","
      + "cloud_region=\"us-east-1\",function=\"orders-fn\",queue=\"orders-dlq\",source_queue=\"\"}";
  static final String DEPTH = LAST_SUCCESS.replace("lambdascope_dlq_last_success_timestamp_seconds",
      "lambdascope_dlq_messages");

  @TempDir Path dir;
  EmbeddedKafka kafka;
  SQSRestServer sqsServer;
  Processor first;
  Processor second;

  @AfterEach
  void stop() {
    for (Processor p : new Processor[] {first, second}) {
      if (p != null) {
        p.close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
    if (sqsServer != null) {
      sqsServer.stopAndWait();
    }
  }

  private Processor start(String name, String sqsEndpoint) {
    return Processor.start(ProcessorConfig.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .applicationId("one-watcher")
        .stateDir(dir.resolve(name))
        .metricsPort(0)
        .sqsEndpoint(URI.create(sqsEndpoint))
        .dlqQueue("orders-dlq", "orders-fn")
        .dlqPollInterval(Duration.ofMillis(500))
        // A stopped replica's tasks move after the session timeout: the broker's least.
        .kafkaProperty("session.timeout.ms", "6000")
        .kafkaProperty("heartbeat.interval.ms", "1000")
        .build());
  }

  private static Map<String, Double> scrape(Processor p) {
    return Scrape.metrics(p.httpPort());
  }

  private static boolean polls(Map<String, Double> metrics) {
    return metrics.keySet().stream().anyMatch(k -> k.startsWith("lambdascope_dlq_"));
  }

  @Test
  void exactlyOneReplicaPollsAndTheOtherTakesOverWhenItStops() throws Exception {
    kafka = EmbeddedKafka.builder(dir.resolve("kafka")).defaultPartitions(3).start();
    int port = EmbeddedKafka.freePort();
    sqsServer = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1")
        .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
    sqsServer.waitUntilStarted();
    String endpoint = "http://127.0.0.1:" + port;
    try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
      String url = sqs.createQueue(b -> b.queueName("orders-dlq")).queueUrl();
      sqs.sendMessage(b -> b.queueUrl(url).messageBody("a"));
      sqs.sendMessage(b -> b.queueUrl(url).messageBody("b"));
    }

    first = start("first", endpoint);
    second = start("second", endpoint);
    Scrape.await(Duration.ofSeconds(90), "both replicas running, one of them polling", () ->
        first.ready() && second.ready() && polls(scrape(first)) != polls(scrape(second)));

    Processor poller = polls(scrape(first)) ? first : second;
    Processor other = poller == first ? second : first;
    double before = scrape(poller).get(LAST_SUCCESS);
    assertEquals(2, scrape(poller).get(DEPTH));
    // Several poll intervals: the poller keeps reading, the other never shows a DLQ series.
    for (int i = 0; i < 6; i++) {
      Thread.sleep(500);
      Map<String, Double> o = scrape(other);
      assertFalse(polls(o), "the other replica polls too: " + o);
    }
    assertTrue(scrape(poller).get(LAST_SUCCESS) > before, "the poller's last success advances");

    double stoppedAt = System.currentTimeMillis() / 1000.0;
    poller.close();
    Scrape.awaitMetrics(other.httpPort(), Duration.ofSeconds(60), "the other replica takes over",
        m -> m.getOrDefault(LAST_SUCCESS, 0.0) >= stoppedAt && m.getOrDefault(DEPTH, -1.0) == 2);
  }
}
