package io.lambdascope.emulator.cloudwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.cloudwatch.CloudWatchExporter;
import io.lambdascope.cloudwatch.ExporterConfig;
import io.lambdascope.emulator.cloudwatch.MetricStore.Dimension;
import io.lambdascope.emulator.cloudwatch.MetricStore.MetricId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Prometheus's CloudWatch exporter, the released jar with the project's configuration, against the emulator's
 * CloudWatch API: what it asks (ListMetrics, then GetMetricStatistics or GetMetricData) is answered in the protocol
 * its AWS SDK speaks, and it exposes exactly the figures published.
 */
class CloudWatchExporterTest {
  private static ExecutorService executor;
  private static MetricStore store;
  private static CloudWatchApiServer api;

  @BeforeAll
  static void publish() throws Exception {
    executor = Executors.newCachedThreadPool();
    store = new MetricStore(Duration.ofSeconds(1), CloudWatchConfig.RETENTION);
    api = new CloudWatchApiServer("127.0.0.1", 0, store, Clock.systemUTC(), executor);
    Clock clock = Clock.systemUTC();
    LambdaMetrics a = new LambdaMetrics(store, clock, "fn-a");
    a.throttled();
    a.throttled();
    a.throttled();
    a.invoked(120, false);
    a.invoked(80, true);
    a.concurrentExecutions(1);
    a.concurrentExecutions(3);
    a.concurrentExecutions(2);
    a.asyncEventAge(1500);
    a.asyncEventDropped();
    LambdaMetrics b = new LambdaMetrics(store, clock, "fn-b");
    b.invoked(10, false);
    SqsMetrics sqs = new SqsMetrics(store, clock);
    sqs.messageAdded("orders-dlq", "m-1", clock.millis() - 30_000, true);
    sqs.messageAdded("upload-failures", "m-2", clock.millis(), false);
    sqs.messageAdded("upload-failures", "m-3", clock.millis(), false);
    sqs.messageAdded("orders", "m-4", clock.millis(), false);
    sqs.sample("orders-dlq", 1, 0, 0);
    sqs.sample("upload-failures", 2, 0, 0);
  }

  @AfterAll
  static void stop() {
    api.close();
    executor.shutdownNow();
  }

  @ParameterizedTest(name = "use_get_metric_data: {0}")
  @ValueSource(booleans = {false, true})
  void theExporterExposesWhatWasPublished(boolean getMetricData) {
    // Delay 0 and the shipped periods: the 10-minute sums hold everything published a moment ago.
    String config = ExporterConfig.compressed(ExporterConfig.shipped(), "us-east-1", 1)
        .replace("use_get_metric_data: true", "use_get_metric_data: " + getMetricData);
    assertTrue(config.contains("use_get_metric_data: " + getMetricData), config);
    try (CloudWatchExporter exporter = CloudWatchExporter.builder(Path.of(System.getProperty("cloudwatch.exporter.jar")))
        .config(config)
        .endpoint(URI.create(api.endpoint()))
        .start()) {
      ExporterScrape s = ExporterScrape.parse(exporter.scrape());
      assertEquals(0, s.samples().get("cloudwatch_exporter_scrape_error{}"), exporter.logTail());
      assertEquals(OptionalDouble.of(3), s.value("aws_lambda_throttles_sum", "function_name", "fn-a"), s.text());
      assertEquals(OptionalDouble.of(2), s.value("aws_lambda_invocations_sum", "function_name", "fn-a"));
      assertEquals(OptionalDouble.of(1), s.value("aws_lambda_errors_sum", "function_name", "fn-a"));
      assertEquals(OptionalDouble.of(0), s.value("aws_lambda_throttles_sum", "function_name", "fn-b"),
          "every invocation publishes Throttles, 0 when it was not refused");
      assertEquals(OptionalDouble.of(3), s.value("aws_lambda_concurrent_executions_maximum", "function_name", "fn-a"));
      assertEquals(OptionalDouble.of(1500), s.value("aws_lambda_async_event_age_maximum", "function_name", "fn-a"));
      assertEquals(OptionalDouble.of(1), s.value("aws_lambda_async_events_dropped_sum", "function_name", "fn-a"));
      assertEquals(OptionalDouble.of(120), s.value("aws_lambda_duration_maximum", "function_name", "fn-a"));
      assertEquals(OptionalDouble.of(100), s.value("aws_lambda_duration_average", "function_name", "fn-a"));
      assertEquals(OptionalDouble.empty(), s.value("aws_lambda_provisioned_concurrent_executions_maximum",
          "function_name", "fn-a"), "no provisioned concurrency, no data: the exporter exposes nothing");
      assertEquals(OptionalDouble.of(1),
          s.value("aws_sqs_approximate_number_of_messages_visible_maximum", "queue_name", "orders-dlq"));
      assertTrue(s.value("aws_sqs_approximate_age_of_oldest_message_maximum", "queue_name", "orders-dlq")
          .orElse(0) >= 30, s.text());
      assertEquals(OptionalDouble.of(2), s.value("aws_sqs_number_of_messages_sent_sum", "queue_name", "upload-failures"));
      assertEquals(OptionalDouble.empty(), s.value("aws_sqs_number_of_messages_sent_sum", "queue_name", "orders-dlq"),
          "messages a redrive policy moved are not sent messages");
      assertEquals(OptionalDouble.empty(), s.value("aws_sqs_number_of_messages_sent_sum", "queue_name", "orders"),
          "only dead-letter queues and on-failure destinations are asked for");
    }
  }

  @Test
  void whatCloudWatchRefusesIsRefusedWithItsErrorDocument() throws Exception {
    HttpResponse<String> r = post("Action=PutMetricData&Version=2010-08-01&Namespace=x");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("<Code>InvalidAction</Code>"), r.body());
    String query = "Action=GetMetricStatistics&Version=2010-08-01&Namespace=AWS%2FLambda&MetricName=Throttles"
        + "&StartTime=2026-01-01T00%3A00%3A00Z&EndTime=2026-01-01T00%3A10%3A00Z&Statistics.member.1=Sum&Period=";
    assertTrue(post(query + "7").body().contains("<Code>InvalidParameterValue</Code>"), "a period CloudWatch refuses");
    assertTrue(post(query + "1").body().contains("<Datapoints></Datapoints>"), "a period the resolution allows");
    HttpResponse<String> many = post(query.replace("T00%3A10", "T01%3A00") + "1");
    assertTrue(many.body().contains("<Code>InvalidParameterCombination</Code>"), "more than 1,440 data points: " + many.body());
  }

  @Test
  void listMetricsNamesTheDimensionsOfEachMetric() throws Exception {
    String body = post("Action=ListMetrics&Version=2010-08-01&Namespace=AWS%2FLambda&MetricName=Throttles"
        + "&Dimensions.member.1.Name=FunctionName&RecentlyActive=PT3H").body();
    assertEquals(List.of("fn-a", "fn-b"), java.util.regex.Pattern.compile("<Value>([^<]*)</Value>").matcher(body)
        .results().map(m -> m.group(1)).toList(), body);
    assertTrue(store.list("AWS/Lambda", "Throttles", List.of(new MetricStore.DimensionFilter("FunctionName", "fn-b")),
        0).contains(new MetricId("AWS/Lambda", "Throttles", List.of(new Dimension("FunctionName", "fn-b")))));
  }

  private static HttpResponse<String> post(String form) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.endpoint() + "/"))
        .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
