package io.lambdascope.processor.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.Scrape;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.metrics.StoreMetricsCollector;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.PublishedFunctions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The DLQ watcher against ElasticMQ playing SQS: depth, age, RedrivePolicy discovery, the visibility finding. */
class DlqWatcherTest {
  static SQSRestServer server;
  static SqsClient sqs;
  static String endpoint;

  @BeforeAll
  static void start() {
    int port = EmbeddedKafka.freePort();
    server = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1")
        .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
    server.waitUntilStarted();
    endpoint = "http://127.0.0.1:" + port;
    sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (server != null) {
      server.stopAndWait();
    }
  }

  private static String createQueue(String name, Map<QueueAttributeName, String> attributes) {
    return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
  }

  private static String arn(String url) {
    return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
  }

  @Test
  void readsDepthAndAgeOfConfiguredAndDiscoveredQueuesWithoutTouchingReceiveCounts() {
    String dlq = createQueue("orders-dlq", Map.of());
    createQueue("orders", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30",
        QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":\"3\"}"));
    createQueue("billing-dlq", Map.of());
    sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("a"));
    sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("b"));

    Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now[0]; }
    };
    ProcessorConfig config = ProcessorConfig.fromSettings(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
        "LAMBDASCOPE_SQS_ENDPOINT", endpoint,
        "LAMBDASCOPE_SQS_SOURCE_QUEUES", "orders=orders-fn",
        "LAMBDASCOPE_DLQ_QUEUES", "billing-dlq=billing-fn"));
    try (DlqWatcher watcher = new DlqWatcher(config, clock)) {
      watcher.poll();
      now[0] = now[0].plusSeconds(42);
      watcher.poll();
      DlqWatcher.Snapshot s = watcher.snapshot();
      assertEquals(2, s.dlqs().size(), s.toString());
      DlqWatcher.DlqStatus orders = s.dlqs().get(0);
      assertEquals(new DlqWatcher.DlqStatus("orders-dlq", "orders", "orders-fn", 2, 42.0), orders);
      assertEquals(new DlqWatcher.DlqStatus("billing-dlq", "", "billing-fn", 0, 0.0), s.dlqs().get(1));
      assertEquals(new DlqWatcher.SourceStatus("orders", "orders-fn", 30, "orders-dlq"), s.sources().get(0));

      // The metrics and the finding, as /metrics shows them.
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      FunctionState fn = new FunctionState();
      fn.spanSeen(clock.millis(), 15_000, 512L << 20);
      FunctionId id = new FunctionId("default", "123456789012", "us-east-1", "orders-fn");
      registry.getPrometheusRegistry().register(new StoreMetricsCollector(PublishedFunctions.of(Map.of(id, fn)),
          watcher::snapshot, clock, Duration.ofHours(1).toMillis()));
      Map<String, Double> m = Scrape.parse(registry.scrape());
      assertEquals(2, m.get("lambdascope_dlq_messages{function=\"orders-fn\",queue=\"orders-dlq\",source_queue=\"orders\"}"));
      assertEquals(42, m.get("lambdascope_dlq_oldest_message_age_seconds{function=\"orders-fn\",queue=\"orders-dlq\",source_queue=\"orders\"}"));
      assertEquals(0, m.get("lambdascope_dlq_messages{function=\"billing-fn\",queue=\"billing-dlq\",source_queue=\"\"}"));
      assertEquals(1, m.get(Series.of("lambdascope_finding", "orders-fn", "kind", "sqs_visibility_timeout")),
          m.toString());
    }
    // Observing changed nothing: the first receive still sees receive count 1.
    Message first = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(1)
        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages().get(0);
    assertEquals("1", first.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
  }

  @Test
  void peekModeReadsTheOldestSentTimestamp() {
    String dlq = createQueue("peek-dlq", Map.of());
    sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("old"));
    ProcessorConfig config = ProcessorConfig.builder().bootstrapServers("unused:9092")
        .sqsEndpoint(URI.create(endpoint)).dlqQueue("peek-dlq", "fn").dlqAgeMode(ProcessorConfig.DlqAgeMode.PEEK).build();
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
    try (DlqWatcher watcher = new DlqWatcher(config, later)) {
      watcher.poll();
      DlqWatcher.DlqStatus s = watcher.snapshot().dlqs().get(0);
      assertEquals(1, s.messages());
      assertTrue(s.oldestAgeSeconds() >= 599 && s.oldestAgeSeconds() < 700, "age " + s.oldestAgeSeconds());
    }
    // The message is still there for whoever redrives it.
    assertEquals("1", sqs.getQueueAttributes(b -> b.queueUrl(dlq)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
        .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  @Test
  void anUnreachableQueueIsSkippedAndTheOthersStillReported() {
    createQueue("present-dlq", Map.of());
    ProcessorConfig config = ProcessorConfig.builder().bootstrapServers("unused:9092")
        .sqsEndpoint(URI.create(endpoint)).dlqQueue("missing-dlq", "fn").dlqQueue("present-dlq", "fn")
        .sourceQueue("missing-source", "fn").build();
    try (DlqWatcher watcher = new DlqWatcher(config, Clock.systemUTC())) {
      watcher.poll();
      assertEquals(1, watcher.snapshot().dlqs().size());
      assertEquals("present-dlq", watcher.snapshot().dlqs().get(0).queue());
    }
  }
}
