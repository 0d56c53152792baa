package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.cloudwatch.CloudWatchExporter;
import io.lambdascope.cloudwatch.ExporterConfig;
import io.lambdascope.emulator.cloudwatch.ExporterScrape;
import io.lambdascope.emulator.scenario.Scenario;
import io.lambdascope.emulator.scenario.ScenarioRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The demo's functions under the smoke scenario: every signal the product must surface shows up. */
class DemoScenarioTest {

  @Test
  void smokeScenarioProducesEverySignal(@TempDir Path dir) throws Exception {
    try (TelemetryCapture collector = new TelemetryCapture();
        Emulator emulator = Emulator.start(EmulatorConfig.fromSettings(Map.of(
            "LAMBDASCOPE_FUNCTIONS", "demo",
            "LAMBDASCOPE_EXAMPLES_JAR", System.getProperty("examples.jar"),
            "LAMBDASCOPE_INVOKE_PORT", "0",
            "LAMBDASCOPE_SQS_PORT", "0",
            "LAMBDASCOPE_CLOUDWATCH_RESOLUTION", "1s",
            "LAMBDASCOPE_ENDPOINT", collector.endpoint().toString(),
            "LAMBDASCOPE_EMULATOR_LOG_DIR", dir.toString())));
        ScenarioRunner runner = ScenarioRunner.forEmulator(emulator);
        SqsClient sqs = SqsClient.builder()
            .endpointOverride(URI.create(emulator.sqsEndpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      assertEquals(List.of("orders-api", "orders-worker", "upload-processor", "queue-report"),
          emulator.functions().stream().map(FunctionDefinition::name).toList());
      // Cold starts first, so the short scenario is not spent waiting for JVMs on a busy machine.
      // A real order: the first SDK call loads most of the SDK's classes.
      Invoked warmApi = warm(emulator, "orders-api", "{\"rawPath\":\"/orders\",\"requestContext\":{\"http\":"
          + "{\"method\":\"POST\"}},\"body\":\"{\\\"sku\\\":\\\"BOOK-1\\\",\\\"quantity\\\":1}\"}");
      warm(emulator, "upload-processor", "{\"Records\":[]}");
      warm(emulator, "orders-worker", "{\"Records\":[{\"messageId\":\"warm-1\",\"eventSource\":\"aws:sqs\","
          + "\"body\":\"{\\\"sku\\\":\\\"BOOK-1\\\",\\\"quantity\\\":1}\"}]}");
      List<ScenarioRunner.Progress> progress = new CopyOnWriteArrayList<>();
      ScenarioRunner.Result result = runner.run(Scenario.load("smoke"), progress::add);

      assertTrue(result.completed());
      assertTrue(progress.stream().anyMatch(p -> p.phase().equals("burst")), progress.toString());
      ScenarioRunner.FunctionTraffic api = result.function("orders-api");
      assertTrue(api.syncInvocations() > 5, api.toString());
      assertTrue(api.syncThrottled() > 0, "the burst exceeds orders-api's reserved concurrency: " + api);
      assertTrue(api.syncFunctionErrors() > 0, "every 29th request throws: " + api);
      assertTrue(result.function("upload-processor").asyncAccepted() > 0);
      assertTrue(result.function("orders-worker").sqsMessages() > 0);

      // Each answered call is one report.
      assertEquals(0, api.failedRequests(), "a failed request may or may not have been invoked: " + api);
      // The runner returns once every call is answered, and the emulator emits an invocation's events before it
      // answers; one sender posts them in order, function by function. So once the report of one more call
      // arrives, every orders-api event of the scenario has arrived before it. (It may be the 29th that throws.)
      Invoked fence = invoke(emulator, "orders-api", "{\"rawPath\":\"/orders/o-1\",\"requestContext\":{\"http\":"
          + "{\"method\":\"GET\"}}}");
      collector.await(e -> e.function().equals("orders-api") && e.type().equals("platform.report")
          && e.record().path("requestId").asText().equals(fence.requestId()), 1, Duration.ofSeconds(30));
      assertEquals(0, emulator.platformEventsDropped());
      // (plus the warming call and the fence)
      assertEquals(api.syncInvocations() + 2, collector.events(e -> e.function().equals("orders-api")
          && e.type().equals("platform.report")).size());

      // The slow downstream pushes the worker past its timeout.
      collector.await(e -> e.function().equals("orders-worker") && e.type().equals("platform.report")
          && e.record().path("status").asText().equals("timeout"), 1, Duration.ofSeconds(15));
      // Unsupported uploads fail three times, then land in the on-failure destination; poison orders in the DLQ.
      for (DeadLetterQueue dlq : emulator.deadLetterQueues()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long depth = 0;
        while (depth == 0 && System.nanoTime() < deadline) {
          depth = Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(dlq.queueUrl())
                  .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
              .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
          Thread.sleep(200);
        }
        assertTrue(depth > 0, "no messages in " + dlq + "; " + dlq.functionName() + " reports: "
            + collector.events(e -> e.function().equals(dlq.functionName()) && e.type().equals("platform.report"))
                .stream().map(e -> e.record().path("status").asText() + e.record().path("metrics")
                    .path("durationMs").asText()).toList());
      }
      assertEquals(List.of("orders-dlq", "upload-failures"),
          emulator.deadLetterQueues().stream().map(DeadLetterQueue::queueName).sorted().toList());
      assertTrue(emulator.sqsThrottled() > 0, "the burst makes orders-api exceed the SQS rate limit");
      collector.await(e -> e.function().equals("queue-report") && e.type().equals("platform.report"), 1,
          Duration.ofSeconds(10));

      // The real CloudWatch exporter against the emulator's CloudWatch, with the shipped configuration and no
      // delay: its 10-minute sums hold the whole scenario. A refused call never reaches an environment, so no
      // event tells of it; CloudWatch counts each one, as on AWS.
      try (CloudWatchExporter exporter = CloudWatchExporter.builder(Path.of(System.getProperty("cloudwatch.exporter.jar")))
          .config(ExporterConfig.compressed(ExporterConfig.shipped(), emulator.region(), 1))
          .endpoint(URI.create(emulator.cloudWatchEndpoint()))
          .start()) {
        ExporterScrape cw = ExporterScrape.parse(exporter.scrape());
        assertEquals(OptionalDouble.of(api.syncThrottled() + warmApi.throttled() + fence.throttled()),
            cw.value("aws_lambda_throttles_sum", "function_name", "orders-api"), exporter.logTail());
        assertEquals(OptionalDouble.of(api.syncInvocations() + 2),
            cw.value("aws_lambda_invocations_sum", "function_name", "orders-api"));
        double errors = cw.value("aws_lambda_errors_sum", "function_name", "orders-api").orElse(-1);
        assertTrue(errors >= api.syncFunctionErrors() && errors <= api.syncFunctionErrors() + 1, "errors " + errors);
        assertTrue(cw.value("aws_lambda_async_events_dropped_sum", "function_name", "upload-processor").orElse(0) > 0,
            "unsupported uploads are dropped after their retries: " + cw.text());
        assertTrue(cw.value("aws_sqs_number_of_messages_sent_sum", "queue_name", "upload-failures").orElse(0) > 0,
            "a dropped event's record is sent to the on-failure destination");
        assertTrue(cw.value("aws_sqs_approximate_number_of_messages_visible_maximum", "queue_name", "orders-dlq")
            .orElse(0) > 0, "poison orders wait in orders-dlq");
        assertEquals(OptionalDouble.empty(), cw.value("aws_sqs_number_of_messages_sent_sum", "queue_name", "orders-dlq"),
            "a redrive is not a send");
      }
    }
  }

  /** An answered call, and the 429s met before it. */
  private record Invoked(HttpResponse<String> response, int throttled) {
    String requestId() {
      return response.headers().firstValue("X-Amzn-RequestId").orElseThrow();
    }
  }

  /** Invokes once without a function error, retrying while the function's event source holds its concurrency. */
  private static Invoked warm(Emulator emulator, String function, String payload) throws Exception {
    Invoked invoked = invoke(emulator, function, payload);
    assertTrue(invoked.response().headers().firstValue("X-Amz-Function-Error").isEmpty(), invoked.response().body());
    return invoked;
  }

  /** Invokes once, retrying while the function's concurrency is taken (429). */
  private static Invoked invoke(Emulator emulator, String function, String payload) throws Exception {
    HttpResponse<String> response;
    int throttled = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    do {
      response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(emulator.invokeEndpoint() + "/2015-03-31/functions/" + function + "/invocations"))
          .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
      throttled++;
    } while (response.statusCode() == 429 && System.nanoTime() < deadline);
    assertEquals(200, response.statusCode(), response.body());
    return new Invoked(response, throttled);
  }
}
