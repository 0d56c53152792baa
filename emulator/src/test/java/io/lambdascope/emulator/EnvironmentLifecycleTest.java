package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The execution environment's lifecycle as Lambda documents it, observed with real processes: a recording external
 * extension in a layer (it reports what it sees), the built agent layer, a wrapper script, and the probe function.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvironmentLifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROBE = "io.lambdascope.examples.probe.ProbeFunction::handleRequest";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private TelemetryCapture capture;
  private Emulator emulator;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    capture = new TelemetryCapture();
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, """
        functions:
          - name: observed
            jar: ${EXAMPLES_JAR}
            handler: %1$s
            layers:
              - ${RECORDER_LAYER}
            memory: 256
            timeout: 3s
            reservedConcurrency: 1
            environment:
              RECORDER_URL: ${RECORDER_URL}
              RECORDER_REGISTER_DELAY_MS: "700"
              RECORDER_INIT_MS: "700"
              RECORDER_REGISTER_LATE: "true"
              PROBE_SHUTDOWN_FILE: ${SHUTDOWN_FILES}/observed
          - name: lingering
            jar: ${EXAMPLES_JAR}
            handler: %1$s
            layers:
              - ${RECORDER_LAYER}
            memory: 256
            timeout: 5s
            reservedConcurrency: 1
            environment:
              RECORDER_URL: ${RECORDER_URL}
              RECORDER_POST_INVOKE_MS: "800"
          - name: broken
            jar: ${EXAMPLES_JAR}
            handler: %1$s
            layers:
              - ${RECORDER_LAYER}
            memory: 256
            timeout: 8s
            reservedConcurrency: 1
            environment:
              RECORDER_URL: ${RECORDER_URL}
              PROBE_FAIL_INIT: "true"
          - name: failing-extension
            jar: ${EXAMPLES_JAR}
            handler: %1$s
            layers:
              - ${RECORDER_LAYER}
            memory: 256
            timeout: 8s
            reservedConcurrency: 1
            environment:
              RECORDER_URL: ${RECORDER_URL}
              RECORDER_INIT_ERROR: Extension.TestFailure
          - name: wrapped
            jar: ${EXAMPLES_JAR}
            handler: %1$s
            layers:
              - ${AGENT_LAYER}
              - ${WRAPPER_LAYER}
            memory: 256
            timeout: 5s
            reservedConcurrency: 1
            environment:
              JAVA_TOOL_OPTIONS: -javaagent:/opt/lambdascope-agent.jar
              AWS_LAMBDA_EXEC_WRAPPER: /opt/wrapper
              PROBE_INTERNAL_EXTENSION: probe-internal
              PROBE_SHUTDOWN_FILE: ${SHUTDOWN_FILES}/wrapped
          - name: bare
            jar: ${EXAMPLES_JAR}
            handler: %1$s
            memory: 128
            reservedConcurrency: 1
            environment:
              PROBE_SHUTDOWN_FILE: ${SHUTDOWN_FILES}/bare
        """.formatted(PROBE));
    Files.createDirectories(dir.resolve("shutdown"));
    emulator = Emulator.start(EmulatorConfig.builder()
        .functionsFile(functions)
        .variables(Map.of(
            "EXAMPLES_JAR", System.getProperty("examples.jar"),
            "RECORDER_LAYER", TestLayers.recorder(dir).toString(),
            "AGENT_LAYER", TestLayers.agent().toString(),
            "WRAPPER_LAYER", TestLayers.wrapper(dir).toString(),
            "RECORDER_URL", capture.endpoint().toString(),
            "SHUTDOWN_FILES", dir.resolve("shutdown").toString()))
        .invokePort(0)
        .sqsPort(0)
        .endpoint(capture.endpoint())
        .idleReclaim(Duration.ofSeconds(6))
        .logDir(dir.resolve("logs"))
        .build());
  }

  @AfterAll
  void stop() {
    if (emulator != null) {
      emulator.close();
    }
    capture.close();
    assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
        "no environment process may outlive the emulator");
  }

  private record Call(int status, String functionError, JsonNode body, long answeredAtMs, String requestId) {}

  private Call invoke(String function, String payload) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create(emulator.invokeEndpoint() + "/2015-03-31/functions/" + function + "/invocations"))
        .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
    long at = System.currentTimeMillis();
    return new Call(r.statusCode(), r.headers().firstValue("X-Amz-Function-Error").orElse(null),
        r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.readTree("{}"), at,
        r.headers().firstValue("X-Amzn-RequestId").orElse(""));
  }

  /** Invokes, retrying while the function's one slot is still held by the previous invocation's post-runtime phase. */
  private Call invokeWhenFree(String function, String payload) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Call call;
    do {
      call = invoke(function, payload);
    } while (call.status() == 429 && System.nanoTime() < deadline && sleep(50));
    assertEquals(200, call.status(), call.toString());
    return call;
  }

  private static boolean sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
    return true;
  }

  private TelemetryCapture.Received platform(String function, String type, String requestId) throws Exception {
    return capture.await(e -> e.function().equals(function) && e.type().equals(type)
        && e.requestId().equals(requestId), 1, WAIT).get(0);
  }

  @Test
  void extensionsInitBeforeTheRuntimeAndRegistrationClosesWithInit() throws Exception {
    invokeWhenFree("observed", "{}");
    JsonNode registered = capture.awaitReports("registered", r -> r.path("function").asText().equals("observed"), 1,
        WAIT).get(0);
    assertEquals(200, registered.path("status").asInt(), registered.toString());
    assertEquals("observed", registered.path("body").path("functionName").asText());
    assertEquals("$LATEST", registered.path("body").path("functionVersion").asText());
    assertEquals(PROBE, registered.path("body").path("handler").asText());
    assertEquals("000000000000", registered.path("body").path("accountId").asText(), "Accept-Feature: accountId");
    // Extensions see the function's variables, but not the runtime's own.
    JsonNode env = registered.path("environment");
    assertEquals("observed", env.path("AWS_LAMBDA_FUNCTION_NAME").asText());
    assertEquals(capture.endpoint().toString(), env.path("RECORDER_URL").asText());
    assertFalse(env.path("AWS_LAMBDA_RUNTIME_API").isNull());
    for (String runtimeOnly : List.of("_HANDLER", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_LOG_GROUP_NAME",
        "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV")) {
      assertTrue(env.path(runtimeOnly).isNull(), runtimeOnly + " must not reach extensions: " + env);
    }
    assertEquals(200, capture.awaitReports("subscribed", r -> r.path("function").asText().equals("observed"), 1,
        WAIT).get(0).path("status").asInt());

    // The runtime started only once the extension, which waits 700 ms before registering, had registered.
    List<ProcessHandle> processes = emulator.environmentProcesses("observed");
    Instant extensionStart = startOf(processes, "RecordingExtension");
    Instant runtimeStart = startOf(processes, "api.client.AWSLambda");
    assertTrue(Duration.between(extensionStart, runtimeStart).toMillis() >= 650,
        "runtime started " + Duration.between(extensionStart, runtimeStart) + " after the extension");
    // Init lasted until the extension's first next (it works 700 ms after subscribing).
    TelemetryCapture.Received initReport = capture.await(e -> e.function().equals("observed")
        && e.type().equals("platform.initReport") && e.record().path("status").asText().equals("success"), 1,
        WAIT).get(0);
    assertTrue(initReport.record().path("metrics").path("durationMs").asDouble() >= 1300, initReport.toString());
    assertEquals("init", initReport.record().path("phase").asText());
    // Registration closed with init: the extension's attempt at its first INVOKE was refused.
    JsonNode late = capture.awaitReports("late-registration", r -> r.path("function").asText().equals("observed"), 1,
        WAIT).get(0);
    assertEquals(403, late.path("status").asInt(), late.toString());
    assertEquals("Extension.RegistrationClosed", late.path("body").path("errorType").asText());
  }

  private static Instant startOf(List<ProcessHandle> processes, String commandPart) {
    return processes.stream()
        .filter(p -> p.info().commandLine().map(c -> c.contains(commandPart)).orElse(false))
        .map(p -> p.info().startInstant().orElseThrow())
        .findFirst().orElseThrow(() -> new AssertionError("no process running " + commandPart + " in " + processes));
  }

  @Test
  void callerIsAnsweredBeforeTheExtensionsFinishAndTheReportCoversThem() throws Exception {
    invokeWhenFree("lingering", "{}");
    Call a = invokeWhenFree("lingering", "{\"call\":\"a\"}");
    String requestA = a.body().path("requestId").asText();
    // The invocation still runs (the extension works 800 ms after the runtime's response): its slot is taken.
    Call during = invoke("lingering", "{}");
    assertEquals(429, during.status(), "the post-runtime phase holds the function's only slot");
    JsonNode extensionNext = capture.awaitReports("next", r -> r.path("after").asText().equals(requestA), 1, WAIT)
        .get(0);
    assertTrue(extensionNext.path("time").asLong() >= a.answeredAtMs(),
        "the caller was answered at " + a.answeredAtMs() + ", before the extension's next at " + extensionNext);

    long bSentAt = System.currentTimeMillis();
    invokeWhenFree("lingering", "{\"call\":\"b\"}");
    TelemetryCapture.Received runtimeDone = platform("lingering", "platform.runtimeDone", requestA);
    TelemetryCapture.Received report = platform("lingering", "platform.report", requestA);
    double duration = report.record().path("metrics").path("durationMs").asDouble();
    double runtimeDuration = runtimeDone.record().path("metrics").path("durationMs").asDouble();
    assertTrue(duration >= 800, "the report covers the post-runtime phase: " + report);
    assertTrue(runtimeDuration + 700 <= duration, "runtimeDone " + runtimeDuration + " ms, report " + duration + " ms");
    assertEquals((long) Math.ceil(duration), report.record().path("metrics").path("billedDurationMs").asLong());
    assertEquals("success", report.record().path("status").asText());
    assertTrue(report.record().path("metrics").path("maxMemoryUsedMB").asLong() > 0, report.toString());
    // Frozen after a, the environment got a's report only once thawed for b.
    assertTrue(report.deliveredAtMs() >= bSentAt, "a's report was delivered at " + report.deliveredAtMs()
        + ", before b was sent at " + bSentAt);
  }

  @Test
  void idleEnvironmentsAreFrozenAndThawedForTheNextInvocation() throws Exception {
    Call first = invokeWhenFree("observed", "{}");
    String firstId = first.body().path("requestId").asText();
    JsonNode afterFirst = capture.awaitReports("next", r -> r.path("after").asText().equals(firstId), 1, WAIT).get(0);
    List<ProcessHandle> processes = emulator.environmentProcesses("observed");
    assertTrue(processes.size() >= 2, "the runtime and the extension: " + processes);
    awaitTrue("every process of the idle environment stopped (SIGSTOP)", () -> {
      for (ProcessHandle p : processes) {
        if (!"T".equals(state(p))) {
          return false;
        }
      }
      return true;
    });
    Thread.sleep(1500);
    Call second = invokeWhenFree("observed", "{}");
    assertEquals(first.body().path("logStream").asText(), second.body().path("logStream").asText(), "warm");
    String secondId = second.body().path("requestId").asText();
    JsonNode invoke = capture.awaitReports("event", r -> r.path("event").path("requestId").asText().equals(secondId),
        1, WAIT).get(0);
    long ticks = invoke.path("ticks").asLong() - afterFirst.path("ticks").asLong();
    long wallMs = invoke.path("time").asLong() - afterFirst.path("time").asLong();
    assertTrue(wallMs >= 1500, "wall clock between the invocations: " + wallMs + " ms");
    assertTrue(ticks * 10 < wallMs / 3, "the extension's 10 ms ticker ran " + ticks + " times in " + wallMs
        + " ms: it must stand still while frozen");
  }

  private static String state(ProcessHandle p) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  }

  @Test
  void timeoutResetsTheEnvironmentAndExtensionsGetShutdownWithReasonTimeout() throws Exception {
    Call warm = invokeWhenFree("observed", "{}");
    Call timedOut = invokeWhenFree("observed", "{\"sleepMs\":6000}");
    assertEquals("Unhandled", timedOut.functionError());
    assertEquals("Sandbox.Timedout", timedOut.body().path("errorType").asText(), timedOut.toString());
    String requestId = timedOut.requestId();
    JsonNode shutdown = capture.awaitReports("event", r -> r.path("function").asText().equals("observed")
        && r.path("event").path("eventType").asText().equals("SHUTDOWN")
        && r.path("event").path("shutdownReason").asText().equals("timeout"), 1, WAIT).get(0);
    assertTrue(shutdown.path("event").path("deadlineMs").asLong() > shutdown.path("time").asLong(), shutdown.toString());
    TelemetryCapture.Received report = platform("observed", "platform.report", requestId);
    assertEquals("timeout", report.record().path("status").asText());
    assertTrue(report.record().path("metrics").path("durationMs").asDouble() >= 3000, report.toString());
    assertTrue(report.deliveredAtMs() <= shutdown.path("time").asLong(), "the report goes out before SHUTDOWN");
    Call next = invokeWhenFree("observed", "{}");
    assertEquals(1, next.body().path("invocationsInThisEnvironment").asInt(), "a cold start after the reset");
    assertNotEquals(warm.body().path("logStream").asText(), next.body().path("logStream").asText());
  }

  @Test
  void outOfMemoryIsAFunctionErrorAndEndsTheEnvironment() throws Exception {
    invokeWhenFree("observed", "{}");
    Call oom = invokeWhenFree("observed", "{\"allocateMb\":1024}");
    assertEquals("Unhandled", oom.functionError());
    assertEquals("java.lang.OutOfMemoryError", oom.body().path("errorType").asText(), oom.toString());
    String requestId = oom.requestId();
    assertEquals("error", platform("observed", "platform.runtimeDone", requestId).record().path("status").asText());
    TelemetryCapture.Received report = platform("observed", "platform.report", requestId);
    assertEquals("error", report.record().path("status").asText(), report.toString());
    // The runtime interface client exits after an OutOfMemoryError: the environment is reset.
    capture.awaitReports("event", r -> r.path("function").asText().equals("observed")
        && r.path("event").path("shutdownReason").asText().equals("failure"), 1, WAIT);
    Call next = invokeWhenFree("observed", "{}");
    assertEquals(1, next.body().path("invocationsInThisEnvironment").asInt(), "a cold start after the reset");
  }

  @Test
  void failedInitIsReportedThenRetriedInsideTheInvocation() throws Exception {
    Call call = invokeWhenFree("broken", "{}");
    assertEquals("Unhandled", call.functionError());
    String requestId = call.requestId();
    for (String phase : List.of("init", "invoke")) {
      for (String type : List.of("platform.initRuntimeDone", "platform.initReport")) {
        TelemetryCapture.Received e = capture.await(r -> r.function().equals("broken") && r.type().equals(type)
            && r.record().path("phase").asText().equals(phase), 1, WAIT).get(0);
        assertEquals("error", e.record().path("status").asText(), e.toString());
        assertFalse(e.record().path("errorType").asText().isEmpty(), e.toString());
      }
    }
    TelemetryCapture.Received report = platform("broken", "platform.report", requestId);
    assertEquals("error", report.record().path("status").asText());
    // The runtime's init error: its type as the runtime posted it, its message for the caller.
    TelemetryCapture.Received retried = capture.await(r -> r.function().equals("broken")
        && r.type().equals("platform.initRuntimeDone") && r.record().path("phase").asText().equals("invoke"), 1,
        WAIT).get(0);
    assertEquals(retried.record().path("errorType").asText(), report.record().path("errorType").asText(),
        report.toString());
    assertEquals("java.lang.ExceptionInInitializerError", call.body().path("errorType").asText(), call.toString());
    assertEquals(2, capture.awaitReports("event", r -> r.path("function").asText().equals("broken")
        && r.path("event").path("shutdownReason").asText().equals("failure"), 2, WAIT).size(),
        "both environments are reset");
  }

  @Test
  void anExtensionsInitErrorFailsInit() throws Exception {
    Call call = invokeWhenFree("failing-extension", "{}");
    assertEquals("Unhandled", call.functionError());
    assertEquals("Extension.TestFailure", call.body().path("errorType").asText(), call.toString());
    JsonNode reported = capture.awaitReports("init-error",
        r -> r.path("function").asText().equals("failing-extension"), 1, WAIT).get(0);
    assertEquals(202, reported.path("status").asInt(), reported.toString());
    // After init/error, no further call succeeds.
    assertEquals(403, reported.path("nextStatus").asInt(), reported.toString());
    assertEquals("Extension.InvalidExtensionState", reported.path("nextBody").path("errorType").asText());
    // The init retried inside the invocation failed the same way.
    capture.awaitReports("init-error", r -> r.path("function").asText().equals("failing-extension"), 2, WAIT);
  }

  @Test
  void spinDownDeliversTheLastReportThenShutdownAndSigterm() throws Exception {
    // An internal extension only, and no extension at all: SIGTERM with the one, SIGKILL without any.
    String wrapped = invokeWhenFree("wrapped", "{}").body().path("logStream").asText();
    invokeWhenFree("bare", "{}");
    Call last = invokeWhenFree("observed", "{}");
    String logStream = last.body().path("logStream").asText();
    JsonNode shutdown = capture.awaitReports("event", r -> r.path("function").asText().equals("observed")
        && r.path("event").path("shutdownReason").asText().equals("spindown"), 1, Duration.ofSeconds(40)).get(0);
    TelemetryCapture.Received report = platform("observed", "platform.report", last.requestId());
    assertTrue(report.deliveredAtMs() <= shutdown.path("time").asLong(), "buffered telemetry goes out first");
    // SIGTERM, not SIGKILL, reached the runtime: its shutdown hook ran.
    Path hooks = dir.resolve("shutdown").resolve("observed");
    awaitTrue("the runtime's shutdown hook", () -> Files.exists(hooks) && Files.readString(hooks).contains(logStream));
    Path wrappedHooks = dir.resolve("shutdown").resolve("wrapped");
    awaitTrue("the shutdown hook of the runtime with an internal extension",
        () -> Files.exists(wrappedHooks) && Files.readString(wrappedHooks).contains(wrapped));
    awaitTrue("bare spun down", () -> emulator.environments("bare") == 0);
    assertFalse(Files.exists(dir.resolve("shutdown").resolve("bare")), "without extensions the runtime gets SIGKILL");
  }

  @Test
  void layersWrapperAndInternalExtension() throws Exception {
    Call call = invokeWhenFree("wrapped",
        "{\"getenv\":[\"PROBE_WRAPPED\",\"JAVA_TOOL_OPTIONS\",\"AWS_LAMBDA_EXEC_WRAPPER\"]}");
    assertNull(call.functionError(), call.toString());
    JsonNode env = call.body().path("environment");
    assertTrue(env.path("PROBE_WRAPPED").asText().startsWith("by the wrapper"), env.toString());
    String options = env.path("JAVA_TOOL_OPTIONS").asText();
    assertTrue(options.startsWith("-javaagent:") && options.endsWith("/lambdascope-agent.jar"), options);
    assertTrue(Files.isRegularFile(Path.of(options.substring("-javaagent:".length()))), "/opt maps to the layers");
    awaitTrue("the agent's span", () -> capture.spans("wrapped") > 0);
    // An internal extension may not register for SHUTDOWN; for INVOKE it may, and the invocation waits for it.
    JsonNode internal = call.body().path("internalExtension");
    assertEquals(403, internal.path("withShutdown").asInt(), internal.toString());
    assertTrue(internal.path("withShutdownAnswer").asText().contains("Extension.InvalidEventType"), internal.toString());
    assertEquals(200, internal.path("invokeOnly").asInt(), internal.toString());
    assertEquals(200, invokeWhenFree("wrapped", "{}").status());
    // No layer, no extension, no platform telemetry: the emulator itself posts none.
    invokeWhenFree("bare", "{}");
    assertEquals(List.of(), capture.events(e -> e.function().equals("bare")));
  }

  @Test
  void apisRefuseWhatLambdaRefuses() throws Exception {
    Call call = invokeWhenFree("observed", "{}");
    String logStream = call.body().path("logStream").asText();
    // The extension of the environment that just answered: the one whose API is still there.
    List<JsonNode> all = capture.awaitReports("registered", r -> r.path("function").asText().equals("observed"), 1,
        WAIT);
    JsonNode registered = all.get(all.size() - 1);
    assertFalse(logStream.isEmpty());
    String api = "http://" + registered.path("environment").path("AWS_LAMBDA_RUNTIME_API").asText();
    String id = registered.path("identifier").asText();
    String valid = "{\"schemaVersion\":\"2022-12-13\",\"destination\":{\"protocol\":\"HTTP\","
        + "\"URI\":\"http://sandbox.localdomain:1234/x\"},\"types\":[\"platform\"],"
        + "\"buffering\":{\"maxItems\":1000,\"maxBytes\":262144,\"timeoutMs\":100}}";
    Map<String, String> refused = Map.of(
        valid.replace("2022-12-13", "2021-01-01"), "schemaVersion",
        valid.replace("sandbox.localdomain", "example.com"), "sandbox.localdomain",
        valid.replace(":1234", ""), "port",
        valid.replace("[\"platform\"]", "[]"), "types should not be empty",
        valid.replace("\"maxItems\":1000", "\"maxItems\":10"), "maxItems",
        valid.replace("\"timeoutMs\":100", "\"timeoutMs\":60000"), "timeoutMs",
        valid.replace("\"HTTP\"", "\"SMTP\""), "protocol");
    for (Map.Entry<String, String> r : refused.entrySet()) {
      HttpResponse<String> answer = send(api, "PUT", "/2022-07-01/telemetry", id, r.getKey());
      assertEquals(400, answer.statusCode(), r.getKey() + " -> " + answer.body());
      JsonNode error = JSON.readTree(answer.body());
      assertEquals("ValidationError", error.path("errorType").asText());
      assertTrue(error.path("errorMessage").asText().contains(r.getValue()), r.getValue() + " in " + error);
    }
    HttpResponse<String> unknown = send(api, "PUT", "/2022-07-01/telemetry", "not-an-extension", valid);
    assertEquals(403, unknown.statusCode());
    assertEquals("Extension.UnknownExtensionIdentifier", JSON.readTree(unknown.body()).path("errorType").asText());
    HttpResponse<String> anonymous = send(api, "GET", "/2020-01-01/extension/event/next", null, null);
    assertEquals(403, anonymous.statusCode());
    assertEquals("Extension.MissingExtensionIdentifier", JSON.readTree(anonymous.body()).path("errorType").asText());
  }

  private HttpResponse<String> send(String api, String method, String path, String id, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (id != null) {
      b.header("Lambda-Extension-Identifier", id);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
