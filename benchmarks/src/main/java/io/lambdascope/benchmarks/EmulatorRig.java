package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.Machine;
import io.lambdascope.benchmarks.internal.Workspace;
import io.lambdascope.emulator.Emulator;
import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.kafka.EmbeddedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator as the extension benchmarks drive it: functions of the hello handler, each with or
 * without the agent's layer, invoked through the Invoke API as a caller would, with what the
 * platform measured of each invocation read back from the emulator's CloudWatch ({@code Duration}
 * is the report's {@code durationMs}: the invocation until the runtime and every extension called
 * {@code next} again). Nothing here observes the environment from inside: no extension of the
 * harness's own, so the environments run exactly what users deploy.
 */
final class EmulatorRig implements AutoCloseable {
  static final String HANDLER = "io.lambdascope.benchmarks.function.HelloHandler::handleRequest";
  /** How users attach the agent (docs/agent.md): the layer and its exec wrapper. */
  static final String WRAPPER = "/opt/lambdascope-wrapper";

  /**
   * The OpenTelemetry Java agent attached as a function attaches it ({@code JAVA_TOOL_OPTIONS}), with its traces
   * exporter ({@code none} or {@code otlp} to {@code endpoint}); metrics and logs exporters off.
   */
  static Map<String, String> otelEnvironment(Workspace ws, String tracesExporter, String endpoint) {
    Map<String, String> env = new LinkedHashMap<>(ColdStartBenchmark.otelEnv(tracesExporter, endpoint));
    env.put("JAVA_TOOL_OPTIONS", "-javaagent:" + ws.otelAgentJar());
    return env;
  }

  /** One function: its name, whether the agent's layer is added, and its own environment. */
  record Function(String name, boolean agentLayer, Map<String, String> environment) {}

  /** One invocation: the caller's round trip, and the platform's {@code durationMs} of it. */
  record Invoked(double callerMs, double durationMs) {
    /** {@code billedDurationMs} of the report: the duration rounded up to the millisecond. */
    double billedMs() {
      return Math.ceil(durationMs);
    }
  }

  private final Emulator emulator;
  private final Path logs;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Double> invocationsSeen = new HashMap<>();
  private final Map<String, Double> durationSeen = new HashMap<>();

  private EmulatorRig(Emulator emulator, Path logs) {
    this.emulator = emulator;
    this.logs = logs;
  }

  /**
   * Starts an emulator with {@code functions} (512 MB, the JVM flags Lambda's Java runtime uses, one
   * environment each), whose idle environments are spun down after {@code idleReclaim}.
   */
  static EmulatorRig start(Workspace ws, List<Function> functions, Duration idleReclaim) throws IOException {
    StringBuilder yaml = new StringBuilder("functions:\n");
    for (Function f : functions) {
      yaml.append("  - name: ").append(f.name()).append('\n');
      yaml.append("    jar: ").append(ws.functionJar()).append('\n');
      yaml.append("    handler: ").append(HANDLER).append('\n');
      yaml.append("    memory: 512\n    timeout: 60s\n    reservedConcurrency: 1\n");
      Map<String, String> env = new LinkedHashMap<>();
      if (f.agentLayer()) {
        yaml.append("    layers:\n      - ").append(ws.agentLayer()).append('\n');
        env.put("AWS_LAMBDA_EXEC_WRAPPER", WRAPPER);
      }
      env.putAll(f.environment());
      if (!env.isEmpty()) {
        yaml.append("    environment:\n");
        env.forEach((k, v) -> yaml.append("      ").append(k).append(": \"").append(v).append("\"\n"));
      }
    }
    Path file = Files.createTempFile(ws.workDir(), "functions", ".yaml");
    Files.writeString(file, yaml);
    Path logs = Files.createTempDirectory(ws.workDir(), "emulator-logs");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("LAMBDASCOPE_FUNCTIONS", file.toString());
    settings.put("LAMBDASCOPE_INVOKE_PORT", Integer.toString(EmbeddedKafka.freePort()));
    settings.put("LAMBDASCOPE_SQS_PORT", Integer.toString(EmbeddedKafka.freePort()));
    settings.put("LAMBDASCOPE_IDLE_RECLAIM", idleReclaim.toMillis() + "ms");
    settings.put("LAMBDASCOPE_EMULATOR_LOG_DIR", logs.toString());
    return new EmulatorRig(Emulator.start(EmulatorConfig.fromSettings(settings)), logs);
  }

  /**
   * Invokes {@code function} synchronously, checks its answer, then waits until the invocation has
   * ended (its report counted in CloudWatch) so that the next call finds the environment idle.
   */
  Invoked invoke(String function) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(emulator.invokeEndpoint() + "/2015-03-31/functions/" + function + "/invocations"))
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}"))
            .build();
    HttpResponse<String> response;
    double callerMs;
    int attempts = 0;
    while (true) {
      long start = System.nanoTime();
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
      callerMs = (System.nanoTime() - start) / 1e6;
      // The emulator counts the report a moment before it frees the function's only slot: a call in between is
      // throttled (429) and never reaches the environment. Try again; only the call that ran is timed.
      if (response.statusCode() != 429 || ++attempts > 1000) {
        break;
      }
      Thread.sleep(1);
    }
    if (response.statusCode() != 200
        || response.headers().firstValue("X-Amz-Function-Error").isPresent()
        || !response.body().contains("hello bench")) {
      throw new IllegalStateException(
          function + " answered " + response.statusCode() + ": " + response.body() + " (logs in " + logs + ")");
    }
    double expected = invocationsSeen.getOrDefault(function, 0.0) + 1;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (emulator.cloudWatch().lambdaTotal(function, "Invocations") < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(function + ": the invocation did not end within 60 s (logs in " + logs + ")");
      }
      Thread.sleep(1);
    }
    invocationsSeen.put(function, expected);
    double total = emulator.cloudWatch().lambdaTotal(function, "Duration");
    double duration = total - durationSeen.getOrDefault(function, 0.0);
    durationSeen.put(function, total);
    return new Invoked(callerMs, duration);
  }

  /** Sum of the peak resident set ({@code VmHWM}) of every process of the function's environments, MB. */
  double peakRssMb(String function) throws IOException {
    double kb = 0;
    for (ProcessHandle p : emulator.environmentProcesses(function)) {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          kb += Double.parseDouble(line.replaceAll("[^0-9]", ""));
        }
      }
    }
    return kb / 1024;
  }

  /** CPU time (user + system) of every process of the function's environments so far, ms. */
  double cpuMs(String function) throws IOException {
    double seconds = 0;
    for (ProcessHandle p : emulator.environmentProcesses(function)) {
      seconds += Machine.cpuSeconds(p.pid());
    }
    return seconds * 1000;
  }

  /** CPU ms of the function's environment processes so far, by thread name (digits dropped). */
  Map<String, Double> threadCpuMs(String function) throws IOException {
    Map<String, Double> byName = new java.util.TreeMap<>();
    for (ProcessHandle p : emulator.environmentProcesses(function)) {
      Machine.threadCpuSeconds(p.pid()).forEach((name, seconds) -> byName.merge(name, seconds * 1000, Double::sum));
    }
    return byName;
  }

  /** {@link Machine#threadSchedStats} of the function's environment processes, summed by thread name. */
  Map<String, long[]> threadSchedStats(String function) throws IOException {
    Map<String, long[]> byName = new java.util.TreeMap<>();
    for (ProcessHandle p : emulator.environmentProcesses(function)) {
      Machine.threadSchedStats(p.pid()).forEach((name, v) -> byName.merge(name, v, (a, b) -> {
        long[] sum = new long[a.length];
        for (int i = 0; i < a.length; i++) {
          sum[i] = a[i] + b[i];
        }
        return sum;
      }));
    }
    return byName;
  }

  /** Waits until every environment of {@code function} is spun down (idle reclaim), at most {@code limit}. */
  void awaitSpunDown(String function, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (emulator.environments(function) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  Path logs() {
    return logs;
  }

  /** Spins every environment down, as Lambda does (SIGTERM to the runtime, SHUTDOWN to external extensions). */
  @Override
  public void close() {
    emulator.close();
  }
}
