package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdascope.emulator.cloudwatch.CloudWatchQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Lambda's behaviours the product must surface: timeouts kill the environment, throttles at the reserved
 * concurrency, async retries, redrive to a DLQ, redelivery past the visibility timeout, SQS throttling, idle reclaim.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmulatorBehaviourTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROBE = "io.lambdascope.examples.probe.ProbeFunction::handleRequest";
  private static final String WORKER = "io.lambdascope.examples.orders.OrderWorker::handleRequest";

  @TempDir static Path dir;
  private TelemetryCapture collector;
  private Emulator emulator;
  private LambdaClient lambda;
  private SqsClient sqs;

  @BeforeAll
  void start() throws Exception {
    collector = new TelemetryCapture();
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, """
        functions:
          - name: slow
            jar: ${EXAMPLES_JAR}
            handler: %1$s
            layers:
              - ${RECORDER_LAYER}
            memory: 128
            timeout: 2s
            reservedConcurrency: 1
            environment:
              RECORDER_URL: ${RECORDER_URL}
          - name: flaky
            jar: ${EXAMPLES_JAR}
            handler: %1$s
            layers:
              - ${RECORDER_LAYER}
            memory: 128
            timeout: 2s
            reservedConcurrency: 1
            environment:
              RECORDER_URL: ${RECORDER_URL}
            async:
              maxRetries: 2
              onFailure: flaky-failures
          - name: worker
            jar: ${EXAMPLES_JAR}
            handler: %2$s
            layers:
              - ${RECORDER_LAYER}
            memory: 128
            timeout: 2s
            reservedConcurrency: 1
            environment:
              RECORDER_URL: ${RECORDER_URL}
            sqs:
              - queue: orders
                batchSize: 5
                visibilityTimeout: 1s
                maxReceiveCount: 2
                deadLetterQueue: orders-dlq
                reportBatchItemFailures: true
          - name: payer
            jar: ${EXAMPLES_JAR}
            handler: %2$s
            layers:
              - ${RECORDER_LAYER}
            memory: 128
            timeout: 5s
            reservedConcurrency: 2
            environment:
              PAYMENTS_URL: ${DOWNSTREAM_URL}
              RECORDER_URL: ${RECORDER_URL}
            sqs:
              - queue: payments
                batchSize: 1
                visibilityTimeout: 1s
                maxReceiveCount: 5
        """.formatted(PROBE, WORKER));
    emulator = Emulator.start(EmulatorConfig.builder()
        .functionsFile(functions)
        .variables(Map.of("EXAMPLES_JAR", System.getProperty("examples.jar"),
            "RECORDER_LAYER", TestLayers.recorder(dir).toString(), "RECORDER_URL", collector.endpoint().toString()))
        .invokePort(0)
        .sqsPort(0)
        .endpoint(collector.endpoint())
        .asyncRetryDelay(Duration.ofMillis(200))
        .idleReclaim(Duration.ofSeconds(3))
        .sqsRateLimit(5)
        .logDir(dir.resolve("logs"))
        .build());
    AwsBasicCredentials credentials = AwsBasicCredentials.create("test", "test");
    lambda = LambdaClient.builder()
        .endpointOverride(URI.create(emulator.invokeEndpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
        .build();
    sqs = SqsClient.builder()
        .endpointOverride(URI.create(emulator.sqsEndpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (emulator != null) {
        closeWithAWarmEnvironment();
      }
    } finally {
      if (emulator != null) {
        emulator.close();
      }
      if (lambda != null) {
        lambda.close();
        sqs.close();
      }
      collector.close();
    }
    assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
        "no environment process may outlive the emulator");
  }

  /** Closes the emulator while a warm environment waits, and checks that every environment process died. */
  private void closeWithAWarmEnvironment() throws Exception {
    await("slow is free", Duration.ofSeconds(20), () -> {
      try {
        return invoke("slow", "{}").functionError() == null;
      } catch (TooManyRequestsException e) {
        return false;
      }
    });
    assertEquals(1, emulator.environments("slow"), "the environment that just answered waits, warm");
    // The runtime-client JVMs below this one are the environments the emulator counts; one it discarded a moment
    // ago may take a few milliseconds to die.
    await("environment processes as many as the emulator counts", Duration.ofSeconds(10),
        () -> environmentProcesses().size() == emulator.functions().stream()
            .mapToInt(f -> emulator.environments(f.name())).sum());
    List<ProcessHandle> environments = environmentProcesses();
    assertFalse(environments.isEmpty(), "slow's warm environment");
    emulator.close();
    for (ProcessHandle environment : environments) {
      assertFalse(environment.isAlive(), "environment " + environment.pid() + " outlived the emulator");
    }
  }

  private static List<ProcessHandle> environmentProcesses() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains("api.client.AWSLambda")).orElse(false))
        .toList();
  }

  private InvokeResponse invoke(String function, String payload) {
    return lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(payload)));
  }

  /**
   * Invokes, retrying while the function's slots are taken: an invocation holds its slot until its post-runtime
   * phase ends, which may be a moment after its caller got the answer.
   */
  private InvokeResponse invokeWhenFree(String function, String payload) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        return invoke(function, payload);
      } catch (TooManyRequestsException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  private static JsonNode json(InvokeResponse response) throws Exception {
    return JSON.readTree(response.payload().asUtf8String());
  }

  private static void await(String what, Duration wait, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not within " + wait + ": " + what);
  }

  @Test
  void timeoutKillsTheEnvironmentAndTheNextInvocationIsCold() throws Exception {
    JsonNode warm = json(invokeWhenFree("slow", "{}"));
    InvokeResponse timedOut = invokeWhenFree("slow", "{\"sleepMs\":5000}");
    assertEquals("Unhandled", timedOut.functionError());
    JsonNode error = json(timedOut);
    assertEquals("Sandbox.Timedout", error.path("errorType").asText());
    assertTrue(error.path("errorMessage").asText().contains("Task timed out after 2.00 seconds"), error.toString());

    JsonNode after = json(invokeWhenFree("slow", "{}"));
    assertEquals(1, after.path("invocationsInThisEnvironment").asInt(), "a new environment: " + after);
    assertNotEquals(warm.path("logStream").asText(), after.path("logStream").asText());

    List<TelemetryCapture.Received> reports = collector.await(e -> e.function().equals("slow")
        && e.type().equals("platform.report") && e.record().path("status").asText().equals("timeout"), 1,
        Duration.ofSeconds(5));
    JsonNode record = reports.get(0).record();
    assertEquals("Sandbox.Timedout", record.path("errorType").asText());
    assertTrue(record.path("metrics").path("durationMs").asDouble() >= 2000, record.toString());
    // The cold start's report reaches the extension when its environment is thawed again.
    await("slow's environment idle", Duration.ofSeconds(10), () -> emulator.idleEnvironments("slow") == 1);
    invokeWhenFree("slow", "{}");
    collector.await(e -> e.function().equals("slow") && e.type().equals("platform.report")
        && e.record().path("requestId").asText().equals(after.path("requestId").asText())
        && e.record().path("metrics").has("initDurationMs"), 1, Duration.ofSeconds(5));
  }

  @Test
  void syncInvocationOverTheReservedConcurrencyIsThrottled() throws Exception {
    double throttlesBefore = throttles("flaky");
    AtomicInteger refused = new AtomicInteger();
    CompletableFuture<InvokeResponse> busy = occupyTheOnlySlot("flaky", refused);
    TooManyRequestsException throttled = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (throttled == null && !busy.isDone() && System.nanoTime() < deadline) {
      try {
        invoke("flaky", "{}");
      } catch (TooManyRequestsException e) {
        refused.incrementAndGet();
        throttled = e;
      }
    }
    assertTrue(throttled != null, "a second call while the only slot is busy must be throttled");
    assertEquals(429, throttled.statusCode());
    assertEquals("ReservedFunctionConcurrentInvocationLimitExceeded", throttled.reasonAsString());
    assertEquals(200, busy.get().statusCode());
    // No environment saw the refused calls: only CloudWatch counts them, as on AWS (asynchronous events of other
    // tests may add their own throttled attempts).
    double counted = throttles("flaky") - throttlesBefore;
    assertTrue(counted >= refused.get(), counted + " Throttles for " + refused.get() + " refused calls");
    assertEquals(List.of(), collector.events(e -> e.type().startsWith("lambdascope.")),
        "the emulator posts nothing of its own to the collector");
  }

  @Test
  void asyncEventThatFindsNoConcurrencyIsThrottledAndRetriedAfterASecond() throws Exception {
    double throttlesBefore = throttles("slow");
    double receivedBefore = metric("slow", "AsyncEventsReceived", "Sum");
    double invocationsBefore = metric("slow", "Invocations", "Sum");
    CompletableFuture<InvokeResponse> busy = occupyTheOnlySlot("slow", new AtomicInteger());
    // The call holds the slot from its arrival: through a cold start, if any, and its 1.5 s.
    Thread.sleep(500);
    assertEquals(202, lambda.invoke(b -> b.functionName("slow").invocationType(InvocationType.EVENT)
        .payload(SdkBytes.fromUtf8String("{}"))).statusCode());
    assertEquals(200, busy.get().statusCode());
    await("the event's invocation", Duration.ofSeconds(30),
        () -> metricOrZero("slow", "Invocations", "Sum") >= invocationsBefore + 2);
    assertTrue(throttles("slow") - throttlesBefore >= 1, "the event's first attempt found no slot");
    assertEquals(1, metric("slow", "AsyncEventsReceived", "Sum") - receivedBefore);
    // Lambda retries a throttled event after 1 s, then doubles: it waited at least that long in the queue.
    assertTrue(metric("slow", "AsyncEventAge", "Maximum") >= 1000, "AsyncEventAge " + metric("slow", "AsyncEventAge", "Maximum"));
  }

  /**
   * A synchronous call that holds the function's only slot for 1.5 s, retrying while an earlier test's work still
   * holds it; {@code refused} counts its 429s.
   */
  private CompletableFuture<InvokeResponse> occupyTheOnlySlot(String function, AtomicInteger refused) {
    return CompletableFuture.supplyAsync(() -> {
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (true) {
        try {
          return invoke(function, "{\"sleepMs\":1500}");
        } catch (TooManyRequestsException e) {
          refused.incrementAndGet();
          if (System.nanoTime() > until) {
            throw e;
          }
        }
      }
    });
  }

  private double metric(String function, String name, String statistic) throws Exception {
    return CloudWatchQuery.lastHour(emulator.cloudWatchEndpoint(), "AWS/Lambda", name, "FunctionName", function,
        statistic);
  }

  private double metricOrZero(String function, String name, String statistic) {
    try {
      return metric(function, name, statistic);
    } catch (Exception e) {
      return 0;
    }
  }

  private double throttles(String function) throws Exception {
    return metric(function, "Throttles", "Sum");
  }

  @Test
  void failedAsyncEventIsRetriedTwiceThenSentToTheOnFailureDestination() throws Exception {
    InvokeResponse accepted = lambda.invoke(b -> b.functionName("flaky").invocationType(InvocationType.EVENT)
        .payload(SdkBytes.fromUtf8String("{\"fail\":\"always broken\",\"marker\":\"async-retries\"}")));
    assertEquals(202, accepted.statusCode());
    String failuresUrl = sqs.getQueueUrl(b -> b.queueName("flaky-failures")).queueUrl();
    Message failure = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (failure == null && System.nanoTime() < deadline) {
      List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(failuresUrl).waitTimeSeconds(1)).messages();
      failure = messages.isEmpty() ? null : messages.get(0);
    }
    assertTrue(failure != null, "no on-failure record");
    JsonNode record = JSON.readTree(failure.body());
    assertEquals("RetriesExhausted", record.path("requestContext").path("condition").asText());
    assertEquals(3, record.path("requestContext").path("approximateInvokeCount").asInt());
    assertEquals("async-retries", record.path("requestPayload").path("marker").asText());
    assertEquals("Unhandled", record.path("responseContext").path("functionError").asText());
    String requestId = record.path("requestContext").path("requestId").asText();
    // Every attempt keeps the request id, as Lambda does: the extension got three INVOKE events with it.
    assertEquals(3, collector.awaitReports("event", r -> r.path("function").asText().equals("flaky")
        && r.path("event").path("requestId").asText().equals(requestId), 3, Duration.ofSeconds(5)).size());
  }

  @Test
  void poisonMessageIsRedrivenToTheDlqAfterMaxReceiveCountWhileGoodOnesAreDeleted() throws Exception {
    String ordersUrl = sqs.getQueueUrl(b -> b.queueName("orders")).queueUrl();
    String dlqUrl = sqs.getQueueUrl(b -> b.queueName("orders-dlq")).queueUrl();
    sqs.sendMessage(b -> b.queueUrl(ordersUrl).messageBody("{\"orderId\":\"good-1\",\"sku\":\"BOOK\",\"quantity\":1}"));
    sqs.sendMessage(b -> b.queueUrl(ordersUrl).messageBody("{\"orderId\":\"bad-1\",\"sku\":\"POISON\",\"quantity\":1}"));
    await("the poison order reaches the DLQ", Duration.ofSeconds(30), () -> count(dlqUrl) == 1 && count(ordersUrl) == 0);
    Message dead = sqs.receiveMessage(b -> b.queueUrl(dlqUrl)
        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().get(0);
    assertTrue(dead.body().contains("bad-1"), dead.body());
    assertTrue(emulator.sourceQueues().stream().anyMatch(q -> q.queueName().equals("orders")
        && q.deadLetterQueueName().orElseThrow().equals("orders-dlq") && q.functionName().equals("worker")));
    // Invoked once per receive: the good order once, the poison one maxReceiveCount (2) times. The last report
    // reaches the extension when its environment is thawed again.
    invokeWhenFree("worker", "{\"Records\":[]}");
    collector.await(e -> e.function().equals("worker") && e.type().equals("platform.report")
        && e.record().path("status").asText().equals("success"), 2, Duration.ofSeconds(10));
  }

  private long count(String queueUrl) {
    Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  @Test
  void messageIsRedeliveredWhenTheFunctionIsSlowerThanTheVisibilityTimeout() throws Exception {
    emulator.downstreamLatency(Duration.ofMillis(1800));
    try {
      String url = sqs.getQueueUrl(b -> b.queueName("payments")).queueUrl();
      sqs.sendMessage(b -> b.queueUrl(url).messageBody("{\"orderId\":\"slow-1\",\"sku\":\"BOOK\",\"quantity\":1}"));
      // Each delivery outlives the 1s visibility timeout, so a second poller receives the same message.
      collector.awaitReports("event", r -> r.path("function").asText().equals("payer")
          && r.path("event").path("eventType").asText().equals("INVOKE"), 2, Duration.ofSeconds(30));
    } finally {
      emulator.downstreamLatency(Duration.ZERO);
    }
    String url = sqs.getQueueUrl(b -> b.queueName("payments")).queueUrl();
    await("once the downstream is fast again a delivery deletes the message", Duration.ofSeconds(30),
        () -> count(url) == 0);
  }

  @Test
  void functionsMeetSqsThrottlingErrorsAboveTheRateLimit() {
    try (SqsClient throttledFront = SqsClient.builder()
        .endpointOverride(URI.create(emulator.functionSqsEndpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
        .build()) {
      SqsException throttled = null;
      for (int i = 0; i < 50 && throttled == null; i++) {
        try {
          throttledFront.listQueues();
        } catch (SqsException e) {
          throttled = e;
        }
      }
      assertTrue(throttled != null, "50 calls at once must exceed a rate of 5/s");
      assertTrue(throttled.isThrottlingException(), throttled.toString());
      // Only this test calls the front, and it stopped at the first refusal.
      assertEquals(1, emulator.sqsThrottled());
      // Below the rate, the same front passes calls through to ElasticMQ.
      await0(() -> {
        try {
          return throttledFront.getQueueUrl(b -> b.queueName("orders")).queueUrl().endsWith("/orders");
        } catch (SqsException e) {
          return false;
        }
      });
    }
  }

  private static void await0(BooleanSupplier condition) {
    try {
      await("condition", Duration.ofSeconds(10), condition);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void badPayloadGetsAClearErrorAndTheServiceKeepsServing() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(emulator.invokeEndpoint() + "/2015-03-31/functions/flaky/invocations"))
        .POST(HttpRequest.BodyPublishers.ofString("not json")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, response.statusCode());
    assertEquals("InvalidRequestContentException", response.headers().firstValue("X-Amzn-ErrorType").orElse(""));
    assertThrows(software.amazon.awssdk.services.lambda.model.InvalidParameterValueException.class,
        () -> lambda.invoke(b -> b.functionName("flaky").invocationType("Sideways")));
  }

  @Test
  void exitedRuntimeIsAnErrorAndIdleEnvironmentsAreReclaimed() throws Exception {
    await("flaky is free", Duration.ofSeconds(20), () -> {
      try {
        InvokeResponse r = invoke("flaky", "{\"exit\":3}");
        return "Unhandled".equals(r.functionError()) && r.payload().asUtf8String().contains("Runtime.ExitError");
      } catch (TooManyRequestsException e) {
        return false;
      }
    });
    await("an idle environment is reclaimed", Duration.ofSeconds(20), () -> emulator.environments("slow") == 0);
  }
}
