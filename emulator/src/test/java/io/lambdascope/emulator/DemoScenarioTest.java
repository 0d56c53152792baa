package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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

/**
 * The demo's functions under the smoke scenario: every signal the product must surface shows up. The functions are
 * the demo's as it deploys them (the agent's layer, through its exec wrapper) plus the recording extension's layer:
 * the test sees the platform events the emulator delivers to an external extension, and those the agent, an
 * internal extension, relays to its collector.
 */
class DemoScenarioTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The demo's functions file with the recording extension's layer added to every function. */
  private static Path observedDemo(Path dir, String recorderUrl) throws Exception {
    JsonNode demo;
    try (var in = Emulator.class.getResourceAsStream("/io/lambdascope/emulator/demo-functions.yaml")) {
      demo = YAML.readTree(in);
    }
    for (JsonNode f : demo.path("functions")) {
      ((ArrayNode) f.path("layers")).add(TestLayers.recorder(dir).toString());
      ((ObjectNode) f.path("environment")).put("RECORDER_URL", recorderUrl);
    }
    Path file = dir.resolve("demo-observed.yaml");
    YAML.writeValue(file.toFile(), demo);
    return file;
  }

  @Test
  void smokeScenarioProducesEverySignal(@TempDir Path dir) throws Exception {
    TelemetryCapture collector = new TelemetryCapture();
    try (collector;
        Emulator emulator = Emulator.start(EmulatorConfig.fromSettings(Map.of(
            "LAMBDASCOPE_FUNCTIONS", observedDemo(dir, collector.endpoint().toString()).toString(),
            "LAMBDASCOPE_EXAMPLES_JAR", System.getProperty("examples.jar"),
            "LAMBDASCOPE_AGENT_LAYER", TestLayers.agent().toString(),
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

      assertEquals(0, api.failedRequests(), "a failed request may or may not have been invoked: " + api);
      // Unsupported uploads fail three times, then land in the on-failure destination; poison orders in the DLQ.
      // A poison order reaches the DLQ on its fourth receive, visibility timeouts apart: slower on a loaded machine.
      for (DeadLetterQueue dlq : emulator.deadLetterQueues()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
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

      // The real CloudWatch exporter against the emulator's CloudWatch, with the shipped configuration and no
      // delay: its 10-minute sums hold the whole scenario. A refused call never reaches an environment, so no
      // event tells of it; CloudWatch counts each one, as on AWS.
      try (CloudWatchExporter exporter = CloudWatchExporter.builder(Path.of(System.getProperty("cloudwatch.exporter.jar")))
          .config(ExporterConfig.compressed(ExporterConfig.shipped(), emulator.region(), 1))
          .endpoint(URI.create(emulator.cloudWatchEndpoint()))
          .start()) {
        ExporterScrape cw = ExporterScrape.parse(exporter.scrape());
        assertEquals(OptionalDouble.of(api.syncThrottled() + warmApi.throttled()),
            cw.value("aws_lambda_throttles_sum", "function_name", "orders-api"), exporter.logTail());
        // Counted with each invocation's report: the scenario's answered calls, plus the warming call.
        assertEquals(OptionalDouble.of(api.syncInvocations() + 1),
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

      // Spinning down delivers what every frozen environment still holds (the last report of each) to its
      // extensions.
      emulator.close();
      // Each answered call is one invocation, one report (plus the warming call), which every subscriber gets.
      // Delivery is at least once (a batch whose answer came late is sent again): reports count by request id.
      long invocations = api.syncInvocations() + 1;
      assertEquals(invocations, reports(collector, "orders-api", false));
      // The agent, an internal extension subscribed too, relays them to its collector. What it cannot send in time
      // (a slow collector, the 500 ms its runtime has between SIGTERM and SIGKILL at spin-down) it keeps for a
      // later export or loses with its runtime: its own tests account for that; here it must relay, and only
      // reports of real invocations.
      long relayed = reports(collector, "orders-api", true);
      assertTrue(relayed > 0 && relayed <= invocations,
          relayed + " reports relayed by the agent for " + invocations + " invocations");
      // The slow downstream pushes the worker past its timeout. The runtime is killed at the deadline, and with it
      // the agent, an internal extension: the timeout's own report reaches no one, as on Lambda. The agent's
      // watchdog reported the timeout before the deadline.
      assertTrue(collector.spans("orders-worker", "lambdascope.timeout.provisional") > 0,
          "the agent's provisional timeout record of orders-worker");
      assertFalse(collector.events(e -> e.function().equals("queue-report") && e.type().equals("platform.report"))
          .isEmpty(), "the schedule ran queue-report");
      // The agent, attached through its layer, sent spans.
      assertTrue(collector.spans("orders-api") > 0, "the agent's spans");
    }
  }

  /** Distinct request ids of the function's reports, as the agent posted them to the collector or the extension got them. */
  private static long reports(TelemetryCapture collector, String function, boolean relayedByTheAgent) {
    return collector.events(e -> e.function().equals(function) && e.type().equals("platform.report")
        && e.relayed() == relayedByTheAgent).stream().map(TelemetryCapture.Received::requestId).distinct().count();
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
