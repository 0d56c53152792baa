package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * Synchronous invocations through the real AWS SDK v2 LambdaClient and the real runtime interface client; the
 * platform events as an extension subscribed to the Telemetry API gets them (the recording extension's layer).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmulatorSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private TelemetryCapture collector;
  private Emulator emulator;
  private LambdaClient lambda;

  @BeforeAll
  void start() throws Exception {
    collector = new TelemetryCapture();
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, """
        functions:
          - name: probe
            jar: ${EXAMPLES_JAR}
            handler: io.lambdascope.examples.probe.ProbeFunction::handleRequest
            layers:
              - ${RECORDER_LAYER}
            memory: 128
            timeout: 10s
            reservedConcurrency: 2
            environment:
              RECORDER_URL: ${RECORDER_URL}
        """);
    emulator = Emulator.start(EmulatorConfig.builder()
        .functionsFile(functions)
        .variables(java.util.Map.of("EXAMPLES_JAR", System.getProperty("examples.jar"),
            "RECORDER_LAYER", TestLayers.recorder(dir).toString(), "RECORDER_URL", collector.endpoint().toString()))
        .invokePort(0)
        .sqsPort(0)
        .endpoint(collector.endpoint())
        .logDir(dir.resolve("logs"))
        .build());
    lambda = LambdaClient.builder()
        .endpointOverride(URI.create(emulator.invokeEndpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
        .build();
  }

  @AfterAll
  void stop() {
    if (lambda != null) {
      lambda.close();
    }
    if (emulator != null) {
      emulator.close();
    }
    collector.close();
  }

  private InvokeResponse invoke(String payload) {
    return lambda.invoke(b -> b.functionName("probe").payload(SdkBytes.fromUtf8String(payload)));
  }

  @Test
  void firstInvocationIsColdThenTheEnvironmentIsReusedWarm() throws Exception {
    InvokeResponse first = invoke("{\"hello\":\"world\"}");
    assertEquals(200, first.statusCode());
    // A cold JVM's first invocation loads classes: on a loaded machine that takes seconds, hence the timeout.
    assertNull(first.functionError(), first.payload().asUtf8String());
    JsonNode a = JSON.readTree(first.payload().asUtf8String());
    assertEquals("probe", a.path("functionName").asText());
    assertEquals(128, a.path("memoryLimitMb").asInt());
    assertEquals("world", a.path("input").path("hello").asText());
    assertEquals("on-demand", a.path("initializationType").asText());
    assertTrue(a.path("remainingMs").asLong() > 0 && a.path("remainingMs").asLong() <= 10_000, a.toString());

    // Once the first invocation is over (runtime and extension called next), its environment waits, warm.
    awaitIdle();
    InvokeResponse second = invoke("{}");
    JsonNode b = JSON.readTree(second.payload().asUtf8String());
    assertEquals(a.path("logStream").asText(), b.path("logStream").asText(), "same environment: " + b);
    assertEquals(a.path("invocationsInThisEnvironment").asInt() + 1, b.path("invocationsInThisEnvironment").asInt());
    assertNotEquals(a.path("requestId").asText(), b.path("requestId").asText());

    // Platform events: one init for the cold start, start/runtimeDone/report for both invocations.
    String firstId = a.path("requestId").asText();
    String warmId = b.path("requestId").asText();
    // The first call may find an environment another test warmed: its report is cold only if it was a cold start.
    boolean firstWasCold = a.path("invocationsInThisEnvironment").asInt() == 1;
    // Frozen after each invocation, the environment gets the last report when thawed for the next one.
    awaitIdle();
    invoke("{}");
    List<TelemetryCapture.Received> reports = collector.await(
        e -> e.type().equals("platform.report") && (e.record().path("requestId").asText().equals(firstId)
            || e.record().path("requestId").asText().equals(warmId)), 2, Duration.ofSeconds(10));
    for (TelemetryCapture.Received r : reports) {
      assertEquals("probe", r.function());
      JsonNode metrics = r.record().path("metrics");
      assertEquals("success", r.record().path("status").asText());
      assertTrue(metrics.path("durationMs").isNumber(), r.toString());
      // As Lambda bills: the reported duration rounded up to the millisecond.
      assertEquals((long) Math.ceil(metrics.path("durationMs").asDouble()), metrics.path("billedDurationMs").asLong(),
          r.toString());
      assertEquals(128, metrics.path("memorySizeMB").asInt());
      assertTrue(metrics.path("maxMemoryUsedMB").asLong() > 0, r.toString());
      assertTrue(r.event().path("time").asText().endsWith("Z"), r.toString());
      boolean cold = firstWasCold && r.record().path("requestId").asText().equals(firstId);
      assertEquals(cold, metrics.has("initDurationMs"), r.toString());
    }
    collector.await(e -> e.type().equals("platform.report") && e.record().path("metrics").has("initDurationMs"), 1,
        Duration.ofSeconds(5));
    collector.await(e -> e.type().equals("platform.initStart")
        && e.record().path("initializationType").asText().equals("on-demand"), 1, Duration.ofSeconds(5));
    collector.await(e -> e.type().equals("platform.initReport")
        && e.record().path("metrics").path("durationMs").asDouble() > 0, 1, Duration.ofSeconds(5));
    for (String type : List.of("platform.start", "platform.runtimeDone")) {
      collector.await(e -> e.type().equals(type) && e.record().path("requestId").asText().equals(warmId), 1,
          Duration.ofSeconds(5));
    }
    assertTrue(collector.badRequests.isEmpty(), collector.badRequests.toString());
  }

  /** Waits until an environment of the probe has ended its invocation and waits for the next. */
  private void awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (emulator.idleEnvironments("probe") == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no idle environment of probe");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void functionErrorIsReportedWithFunctionErrorHeader() throws Exception {
    InvokeResponse response = invoke("{\"fail\":\"card declined\"}");
    assertEquals(200, response.statusCode());
    assertEquals("Unhandled", response.functionError());
    JsonNode error = JSON.readTree(response.payload().asUtf8String());
    assertEquals("java.lang.IllegalStateException", error.path("errorType").asText(), error.toString());
    assertEquals("card declined", error.path("errorMessage").asText());
  }

  @Test
  void unknownFunctionIsResourceNotFound() {
    assertThrows(ResourceNotFoundException.class, () -> lambda.invoke(b -> b.functionName("nope")));
  }

  @Test
  void dryRunAndEventInvocationTypes() throws Exception {
    assertEquals(204, lambda.invoke(b -> b.functionName("probe").invocationType(InvocationType.DRY_RUN)
        .payload(SdkBytes.fromUtf8String("{}"))).statusCode());
    InvokeResponse accepted = lambda.invoke(b -> b.functionName("probe").invocationType(InvocationType.EVENT)
        .payload(SdkBytes.fromUtf8String("{}")));
    assertEquals(202, accepted.statusCode());
    // Wait until the event ran, so it cannot take an environment from another test: the extension got its INVOKE.
    String requestId = accepted.responseMetadata().requestId();
    collector.awaitReports("event", r -> r.path("event").path("requestId").asText().equals(requestId), 1,
        Duration.ofSeconds(30));
    awaitIdle();
  }
}
