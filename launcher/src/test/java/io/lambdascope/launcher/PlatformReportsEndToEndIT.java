package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.emulator.Emulator;
import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.settings.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform's own figures, end to end: the examples' probe function deployed as users deploy it (the agent's
 * layer and its exec wrapper) in the emulator, whose environments freeze between invocations and are killed at the
 * deadline; the agent relays Lambda's platform events with its spans to the collector, Kafka, the processor; the
 * counts on the processor's /metrics are exact. One pipeline serves every case; the spin-down comes last, since it
 * delivers what the frozen environments still hold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformReportsEndToEndIT {
  private static final String PROBE = "io.lambdascope.examples.probe.ProbeFunction::handleRequest";
  private static final Duration WAIT = Duration.ofSeconds(60);
  /**
   * The processor's wait for a report: shorter than the default, so that a frozen environment's last report comes
   * late within the test's time, and long enough for a report that comes during the next invocation on a loaded
   * machine.
   */
  private static final Duration REPORT_WAIT = Duration.ofSeconds(8);
  private static final double MIB = 1 << 20;
  private static final Map<String, String> PROBE_FN = Map.of("function", "probe");

  @TempDir static Path dir;
  private Services services;
  private Emulator emulator;
  private String metricsUrl;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws IOException {
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, String.join("\n",
        "functions:",
        function("probe", 256, "10s", Map.of()),
        function("sleeper", 256, "2s", Map.of()),
        function("hungry", 128, "10s", Map.of()),
        function("broken", 256, "10s", Map.of("PROBE_FAIL_INIT", "\"true\"")),
        ""));
    services = Services.kafka(Settings.of(Map.of(
            "LAMBDASCOPE_DATA_DIR", dir.resolve("data").toString(),
            "LAMBDASCOPE_KAFKA_PORT", Integer.toString(EmbeddedKafka.freePort()),
            "LAMBDASCOPE_OTLP_PORT", "0",
            "LAMBDASCOPE_METRICS_PORT", "0",
            "LAMBDASCOPE_REPORT_WAIT", REPORT_WAIT.toMillis() + "ms",
            "LAMBDASCOPE_TIMEOUT_GRACE", "2s")))
        .withCollector()
        .withProcessor();
    metricsUrl = "http://127.0.0.1:" + services.processor().httpPort() + "/metrics";
    Path logs = Path.of("target", "platform-reports-logs").toAbsolutePath();
    if (Files.isDirectory(logs)) {
      try (var old = Files.list(logs)) {
        for (Path f : old.toList()) {
          Files.delete(f);
        }
      }
    }
    Map<String, String> emulatorSettings = new HashMap<>(Map.of(
        "LAMBDASCOPE_FUNCTIONS", functions.toString(),
        "LAMBDASCOPE_EXAMPLES_JAR", System.getProperty("lambdascope.examples.jar"),
        "LAMBDASCOPE_AGENT_LAYER", System.getProperty("lambdascope.agent.layer"),
        "LAMBDASCOPE_ENDPOINT", "http://127.0.0.1:" + services.collector().port(),
        "LAMBDASCOPE_INVOKE_PORT", "0",
        "LAMBDASCOPE_SQS_PORT", "0",
        // Kept with the build's output, for a failure's post-mortem.
        "LAMBDASCOPE_EMULATOR_LOG_DIR", logs.toString(),
        // Frozen environments live through the whole class, as they would for minutes on Lambda.
        "LAMBDASCOPE_IDLE_RECLAIM", "10m"));
    emulator = services.closeLater(Emulator.start(EmulatorConfig.fromSettings(emulatorSettings)));
  }

  @AfterAll
  void stop() {
    if (services != null) {
      services.close();
    }
  }

  /** A probe function with the agent's layer, attached through its exec wrapper. */
  private static String function(String name, int memoryMb, String timeout, Map<String, String> environment) {
    StringBuilder f = new StringBuilder()
        .append("  - name: ").append(name).append('\n')
        .append("    jar: ${LAMBDASCOPE_EXAMPLES_JAR}\n")
        .append("    handler: ").append(PROBE).append('\n')
        .append("    layers:\n")
        .append("      - ${LAMBDASCOPE_AGENT_LAYER}\n")
        .append("    memory: ").append(memoryMb).append('\n')
        .append("    timeout: ").append(timeout).append('\n')
        .append("    reservedConcurrency: 1\n")
        .append("    environment:\n")
        .append("      AWS_LAMBDA_EXEC_WRAPPER: /opt/lambdascope-wrapper\n")
        // Every export failure in the function's log; a budget a cold collector's first writes to Kafka fit in.
        .append("      LAMBDASCOPE_DEBUG: \"true\"\n")
        .append("      LAMBDASCOPE_FLUSH_TIMEOUT: 5s\n");
    environment.forEach((k, v) -> f.append("      ").append(k).append(": ").append(v).append('\n'));
    return f.toString();
  }

  @Test
  @Order(1)
  void theReportOfTheLastInvocationBeforeAFreezeJoinsItWhenTheEnvironmentThaws() throws Exception {
    // The first invocation is decided at once, as its function has sent no report yet (docs/processor.md); the report
    // it brings along with the second makes the function one that sends reports.
    invoke("probe", "{}");
    invoke("probe", "{\"sleepMs\":300}");
    awaitFrozen("probe");
    PrometheusText m = awaitMetrics("the first report of probe",
        t -> t.sum("lambdascope_billed_duration_seconds_total", PROBE_FN) > 0);
    invoke("probe", "{}");
    awaitFrozen("probe");
    // The third is decided from its span once the report wait is over: its report is held by the frozen environment.
    m = awaitMetrics("the third invocation decided without its report",
        t -> t.sum("faas_invocations_total", PROBE_FN) == 3
            && t.sum("lambdascope_memory_limit_ratio_count", PROBE_FN) == 2);
    double billedBefore = m.sum("lambdascope_billed_duration_seconds_total", PROBE_FN);
    assertTrue(billedBefore > 0, "billed durations of the reports that came");

    // The next invocation thaws the environment: Lambda delivers the held report during it. The invocation runs long
    // enough for the delivery to reach the agent before the agent's flush at its end.
    invoke("probe", "{\"sleepMs\":300}");
    awaitFrozen("probe");
    m = awaitMetrics("the held report joined its invocation",
        t -> t.sum("faas_invocations_total", PROBE_FN) == 4
            && t.sum("lambdascope_memory_limit_ratio_count", PROBE_FN) == 3);
    assertTrue(m.sum("lambdascope_billed_duration_seconds_total", PROBE_FN) > billedBefore,
        "the late report's billed duration is counted");
    assertEquals(4, m.sum("faas_invocations_total", Map.of("function", "probe", "outcome", "success")),
        "no invocation counted twice");
    assertEquals(4, m.sum("lambdascope_duration_timeout_ratio_count", PROBE_FN));
    assertEquals(1, m.sum("faas_coldstarts_total", PROBE_FN));
    assertEquals(1, m.sum("faas_init_duration_seconds_count", Map.of("function", "probe", "init_type", "on-demand")));
  }

  @Test
  @Order(2)
  void aTimeoutIsCountedOnceAsATimeout() throws Exception {
    Map<String, String> sleeper = Map.of("function", "sleeper");
    invokeFailing("sleeper", "{\"sleepMs\":6000}", "Sandbox.Timedout");
    PrometheusText m = awaitMetrics("the timeout of sleeper",
        t -> t.sum("faas_timeouts_total", sleeper) == 1
            && t.sum("faas_invocations_total", Map.of("function", "sleeper", "outcome", "timeout")) == 1);
    assertEquals(1, m.sum("faas_invocations_total", sleeper), "the timed-out invocation, once");
    assertEquals(0, m.sum("faas_errors_total", sleeper));
  }

  @Test
  @Order(3)
  void anOutOfMemoryErrorIsCountedOnceAsAnErrorOfItsType() throws Exception {
    Map<String, String> hungry = Map.of("function", "hungry");
    // 512 MB of heap in a 128 MB function: OutOfMemoryError, which the runtime interface client reports as the
    // invocation's error type (the platform's runtimeDone and report carry it too) and then exits: the agent, a thread
    // of that JVM, relays the span, not the report that follows the runtime's exit.
    invokeFailing("hungry", "{\"allocateMb\":512}", "java.lang.OutOfMemoryError");
    PrometheusText m = awaitMetrics("the out-of-memory error of hungry",
        t -> t.sum("faas_invocations_total", Map.of("function", "hungry", "outcome", "error")) == 1
            && t.sum("faas_errors_total", Map.of("function", "hungry", "error_type", "java.lang.OutOfMemoryError")) == 1);
    assertEquals(1, m.sum("faas_invocations_total", hungry));
    assertEquals(1, m.sum("faas_errors_total", hungry));
    assertEquals(0, m.sum("faas_timeouts_total", hungry));
  }

  @Test
  @Order(4)
  void aFailedInitIsCountedOncePerExecutionEnvironment() throws Exception {
    // The handler class's initializer throws: the runtime interface client reports an init error (its type header
    // Runtime.BadFunctionCode, the platform's errorType; its body the exception's class) and exits. Lambda retries the
    // init once inside the invocation, in a fresh environment, which fails the same way.
    invokeFailing("broken", "{}", "java.lang.ExceptionInInitializerError");
    Map<String, String> badCode = Map.of("function", "broken", "error_type", "Runtime.BadFunctionCode");
    PrometheusText m = awaitMetrics("the init failures of broken",
        t -> t.sum("lambdascope_init_failures_total", badCode) == 2);
    assertEquals(2, m.sum("lambdascope_init_failures_total", Map.of("function", "broken")),
        "the init and its retry, each environment once: " + m.labelValues("lambdascope_init_failures_total", "error_type"));
    assertEquals(0, m.sum("faas_coldstarts_total", Map.of("function", "broken")), "no handler ever ran");
  }

  @Test
  @Order(5)
  void reportFiguresAgreeWithTheInvocationsAndTheLastReportsComeAtSpinDown() throws Exception {
    // The fourth invocation's report, held since, comes during the fifth; from then on each report comes during the
    // next invocation, within the report wait: each invocation is decided with its report.
    invoke("probe", "{\"sleepMs\":300}");
    PrometheusText before = awaitMetrics("the fourth report joined, the fifth invocation waiting for its own",
        t -> t.sum("faas_invocations_total", PROBE_FN) == 4
            && t.sum("lambdascope_memory_limit_ratio_count", PROBE_FN) == 4);
    invoke("probe", "{\"sleepMs\":300}");
    invoke("probe", "{\"sleepMs\":300}");
    // Spinning down delivers what the frozen environment still holds: the last report.
    emulator.close();
    PrometheusText m = awaitMetrics("every report joined",
        t -> t.sum("faas_invocations_total", PROBE_FN) == 7
            && t.sum("lambdascope_memory_limit_ratio_count", PROBE_FN) == 7);
    assertEquals(7, m.sum("faas_invocations_total", Map.of("function", "probe", "outcome", "success")));
    assertEquals(7, m.sum("lambdascope_duration_timeout_ratio_count", PROBE_FN));
    assertEquals(1, m.sum("faas_coldstarts_total", PROBE_FN));
    assertEquals(1, m.sum("faas_init_duration_seconds_count", Map.of("function", "probe", "init_type", "on-demand")));
    assertEquals(1, m.sum("faas_init_duration_seconds_count", PROBE_FN));
    // Each billed duration is its report's duration rounded up to the millisecond, and the duration of an invocation
    // decided with its report is the report's: for the last three, billed minus duration is within [0, 3 ms).
    double billed = m.sum("lambdascope_billed_duration_seconds_total", PROBE_FN)
        - before.sum("lambdascope_billed_duration_seconds_total", PROBE_FN);
    double duration = m.sum("faas_invoke_duration_seconds_sum", PROBE_FN)
        - before.sum("faas_invoke_duration_seconds_sum", PROBE_FN);
    assertTrue(duration >= 0.9, "three invocations of at least 300 ms: " + duration);
    assertTrue(billed >= duration - 1e-6 && billed < duration + 0.003 + 1e-6,
        "billed " + billed + " s for three invocations of " + duration + " s");
    // Memory from the last report's maxMemoryUsedMB: whole mebibytes.
    double memory = m.sum("faas_mem_usage_bytes", PROBE_FN);
    assertTrue(memory >= 16 * MIB && memory <= 256 * MIB && memory % MIB == 0, "faas_mem_usage_bytes " + memory);
  }

  // ---- helpers ----

  private record Invoked(int status, String functionError, String body) {}

  /**
   * Invokes synchronously, as the AWS SDK does, again while the function's one slot is taken (429: the previous
   * invocation's post-runtime phase, the agent's flush, holds it a moment after its answer); the answer must be 200.
   */
  private Invoked invoke(String function, String payload) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(emulator.invokeEndpoint() + "/2015-03-31/functions/" + function + "/invocations"))
        .timeout(WAIT)
        .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
    long deadline = System.nanoTime() + WAIT.toNanos();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    while (response.statusCode() == 429 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    }
    assertEquals(200, response.statusCode(), response.body());
    return new Invoked(response.statusCode(), response.headers().firstValue("X-Amz-Function-Error").orElse(""),
        response.body());
  }

  /** Invokes once; the caller must see a function error of {@code errorType}. */
  private void invokeFailing(String function, String payload, String errorType) throws Exception {
    Invoked failed = invoke(function, payload);
    assertEquals("Unhandled", failed.functionError(), failed.body());
    assertTrue(failed.body().contains("\"errorType\":\"" + errorType + "\""), failed.body());
  }

  /** Waits until every process of the function's idle environment is stopped (SIGSTOP). */
  private void awaitFrozen(String function) {
    Await.until(function + " frozen", WAIT, () -> {
      List<ProcessHandle> processes = emulator.environmentProcesses(function);
      if (processes.isEmpty() || emulator.idleEnvironments(function) != 1) {
        return false;
      }
      for (ProcessHandle p : processes) {
        if (!"T".equals(state(p))) {
          return false;
        }
      }
      return true;
    }, Boolean::booleanValue);
  }

  private static String state(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch (NoSuchFileException e) {
      return "gone";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls /metrics until {@code done} holds; a failure shows the functions' series. */
  private PrometheusText awaitMetrics(String what, Predicate<PrometheusText> done) {
    try {
      return Await.until(what, WAIT, () -> {
        String body = Http.getOrNull(metricsUrl);
        return body == null ? null : PrometheusText.parse(body);
      }, done);
    } catch (AssertionError e) {
      String processor = Http.getOrNull(metricsUrl);
      String collector = Http.getOrNull("http://127.0.0.1:" + services.collector().port() + "/metrics");
      throw new AssertionError(e.getMessage() + "\n" + nonZero(processor, "function=\"", "lambdascope_processor_")
          + "\n" + nonZero(collector, "lambdascope_collector_requests_total", "lambdascope_collector_rejected_total"), e);
    }
  }

  /** The non-zero samples of a /metrics page whose line holds one of {@code parts}. */
  private static String nonZero(String page, String... parts) {
    return page == null ? "" : page.lines()
        .filter(l -> !l.startsWith("#") && !l.endsWith(" 0.0") && !l.endsWith(" 0")
            && java.util.Arrays.stream(parts).anyMatch(l::contains))
        .filter(l -> !l.contains("_bucket{"))
        .collect(Collectors.joining("\n"));
  }
}
