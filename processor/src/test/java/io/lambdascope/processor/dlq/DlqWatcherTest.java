package io.lambdascope.processor.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.Scrape;
import io.lambdascope.processor.Otlp;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * The DLQ watcher against ElasticMQ playing SQS (account 123456789012, eu-west-1): depth, age,
 * RedrivePolicy discovery, queues given by name, URL and ARN in several regions and accounts, a
 * queue that cannot be read, and the gauges /metrics shows.
 */
class DlqWatcherTest {
  static final String ACCOUNT = "123456789012";
  static SQSRestServer server;
  static SqsClient sqs;
  static String endpoint;

  @BeforeAll
  static void start() {
    int port = EmbeddedKafka.freePort();
    server = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1")
        .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
        .withAWSAccountId(ACCOUNT).withAWSRegion("eu-west-1").start();
    server.waitUntilStarted();
    endpoint = "http://127.0.0.1:" + port;
    sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.EU_WEST_1)
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

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  }

  private static Map<String, Double> scrape(DlqWatcher watcher) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.getPrometheusRegistry().register(new DlqMetrics(watcher::snapshot));
    return Scrape.parse(registry.scrape());
  }

  private static String labels(String account, String region, String function, String queue, String source) {
    return "{cloud_account_id=\"" + account + "\",cloud_region=\"" + region + "\",function=\"" + function
        + "\",queue=\"" + queue + "\",source_queue=\"" + source + "\"}";
  }

  @Test
  void readsDepthAndAgeOfConfiguredAndDiscoveredQueuesWithoutTouchingReceiveCounts() {
    String dlq = createQueue("orders-dlq", Map.of());
    createQueue("orders", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30",
        QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":\"3\"}"));
    createQueue("billing-dlq", Map.of());
    sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("a"));
    sqs.sendMessage(b -> b.queueUrl(dlq).messageBody("b"));

    ManualClock clock = new ManualClock();
    ProcessorConfig config = ProcessorConfig.fromSettings(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
        "LAMBDASCOPE_SQS_ENDPOINT", endpoint,
        "LAMBDASCOPE_SQS_REGION", "eu-west-1",
        "LAMBDASCOPE_SQS_SOURCE_QUEUES", "orders=orders-fn",
        "LAMBDASCOPE_DLQ_QUEUES", "billing-dlq=billing-fn"));
    try (DlqWatcher watcher = new DlqWatcher(config, clock)) {
      watcher.poll();
      clock.now = clock.now.plusSeconds(42);
      watcher.poll();
      long now = clock.millis();
      DlqWatcher.Snapshot s = watcher.snapshot();
      assertEquals(List.of(
          new DlqWatcher.DlqStatus("orders-dlq", "orders", "orders-fn", ACCOUNT, "eu-west-1", 2, 42.0, now),
          new DlqWatcher.DlqStatus("billing-dlq", "", "billing-fn", ACCOUNT, "eu-west-1", 0, 0.0, now)), s.dlqs());
      assertEquals(List.of(new DlqWatcher.SourceStatus("orders", "orders-fn", 30, "orders-dlq")), s.sources());

      Map<String, Double> m = scrape(watcher);
      String orders = labels(ACCOUNT, "eu-west-1", "orders-fn", "orders-dlq", "orders");
      String billing = labels(ACCOUNT, "eu-west-1", "billing-fn", "billing-dlq", "");
      assertEquals(2, m.get("lambdascope_dlq_messages" + orders));
      assertEquals(42, m.get("lambdascope_dlq_oldest_message_age_seconds" + orders));
      assertEquals(now / 1000.0, m.get("lambdascope_dlq_last_success_timestamp_seconds" + orders));
      assertEquals(0, m.get("lambdascope_dlq_messages" + billing));
      assertEquals(now / 1000.0, m.get("lambdascope_dlq_last_success_timestamp_seconds" + billing));

      // The visibility finding, as /metrics shows it: from the source queue's settings.
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      FunctionState fn = new FunctionState();
      fn.spanSeen(clock.millis(), 15_000, 512L << 20);
      FunctionId id = new FunctionId("default", ACCOUNT, "eu-west-1", "orders-fn");
      registry.getPrometheusRegistry().register(new StoreMetricsCollector(PublishedFunctions.of(Map.of(id, fn)),
          watcher::snapshot, clock, Duration.ofHours(1).toMillis()));
      Map<String, Double> findings = Scrape.parse(registry.scrape());
      assertEquals(1, findings.get(Series.of("lambdascope_finding", new Otlp.Identity("default", ACCOUNT, "eu-west-1", "orders-fn", "i", "$LATEST"), "kind",
          "sqs_visibility_timeout")),
          findings.toString());
    }
    // Observing changed nothing: the first receive still sees receive count 1.
    Message first = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(1)
        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages().get(0);
    assertEquals("1", first.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
  }

  @Test
  void queuesOfSeveralRegionsAndAccountsAreLabelledAsTheirOwnAndAnUnreadableOneKeepsItsLastDepth() {
    String alpha = createQueue("alpha-dlq", Map.of());
    String beta = createQueue("beta-dlq", Map.of());
    sqs.sendMessage(b -> b.queueUrl(alpha).messageBody("1"));
    sqs.sendMessage(b -> b.queueUrl(alpha).messageBody("2"));
    sqs.sendMessage(b -> b.queueUrl(beta).messageBody("1"));

    ManualClock clock = new ManualClock();
    ProcessorConfig config = ProcessorConfig.builder().bootstrapServers("unused:9092")
        .sqsEndpoint(URI.create(endpoint)).sqsRegion("eu-west-1")
        .dlqQueue("arn:aws:sqs:ap-southeast-2:" + ACCOUNT + ":alpha-dlq", "alpha-fn")
        .dlqQueue(beta, "beta-fn") // the URL: its account from the path, the default region (not an AWS host)
        .dlqQueue("arn:aws:sqs:sa-east-1:210987654321:never-dlq", "never-fn")
        .build();
    try (DlqWatcher watcher = new DlqWatcher(config, clock)) {
      watcher.poll();
      long first = clock.millis();
      assertEquals(Set.of("ap-southeast-2", "eu-west-1", "sa-east-1"), watcher.regions(), "a client per region");

      sqs.deleteQueue(b -> b.queueUrl(beta)); // from now on beta cannot be read
      sqs.sendMessage(b -> b.queueUrl(alpha).messageBody("3"));
      clock.now = clock.now.plusSeconds(30);
      watcher.poll();
      long second = clock.millis();

      assertEquals(List.of(
          new DlqWatcher.DlqStatus("alpha-dlq", "", "alpha-fn", ACCOUNT, "ap-southeast-2", 3, 30.0, second),
          new DlqWatcher.DlqStatus("beta-dlq", "", "beta-fn", ACCOUNT, "eu-west-1", 1, 0.0, first),
          new DlqWatcher.DlqStatus("never-dlq", "", "never-fn", "210987654321", "sa-east-1", -1, Double.NaN, 0)),
          watcher.snapshot().dlqs());

      Map<String, Double> m = scrape(watcher);
      String a = labels(ACCOUNT, "ap-southeast-2", "alpha-fn", "alpha-dlq", "");
      String b = labels(ACCOUNT, "eu-west-1", "beta-fn", "beta-dlq", "");
      String n = labels("210987654321", "sa-east-1", "never-fn", "never-dlq", "");
      assertEquals(3, m.get("lambdascope_dlq_messages" + a));
      assertEquals(second / 1000.0, m.get("lambdascope_dlq_last_success_timestamp_seconds" + a));
      assertEquals(1, m.get("lambdascope_dlq_messages" + b), "the unreadable queue keeps its last depth");
      assertEquals(first / 1000.0, m.get("lambdascope_dlq_last_success_timestamp_seconds" + b),
          "and its timestamp stops");
      assertEquals(0, m.get("lambdascope_dlq_last_success_timestamp_seconds" + n), "never read: 0");
      assertFalse(m.containsKey("lambdascope_dlq_messages" + n), "never read: no depth to show");
    }
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
  void aSourceQueueThatWasNeverReadShowsItsUnknownDeadLetterQueueAsNeverRead() {
    createQueue("present-dlq", Map.of());
    ProcessorConfig config = ProcessorConfig.builder().bootstrapServers("unused:9092")
        .sqsEndpoint(URI.create(endpoint)).sqsRegion("eu-west-1")
        .dlqQueue("present-dlq", "fn").sourceQueue("missing-source", "fn").build();
    try (DlqWatcher watcher = new DlqWatcher(config, Clock.systemUTC())) {
      watcher.poll();
      List<DlqWatcher.DlqStatus> dlqs = watcher.snapshot().dlqs();
      assertEquals(2, dlqs.size(), dlqs.toString());
      assertEquals(new DlqWatcher.DlqStatus("", "missing-source", "fn", "", "eu-west-1", -1, Double.NaN, 0), dlqs.get(0));
      assertEquals("present-dlq", dlqs.get(1).queue());
      assertEquals(0, dlqs.get(1).messages());
      assertTrue(watcher.snapshot().sources().isEmpty());
    }
  }
}
