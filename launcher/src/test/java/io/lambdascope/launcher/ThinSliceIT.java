package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.launcher.sample.SampleInvoker;
import io.lambdascope.testing.TestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin slice, real at every step: the built agent in a function's JVM, {@code bin/lambdascope
 * all} with its embedded Kafka, the collector and the processor, and the counts on /metrics.
 */
class ThinSliceIT {
  private static final String FUNCTION = "thin-slice";
  private static final int INVOCATIONS = 10;
  private static final int FAIL_EVERY = 3;

  @TempDir Path dir;

  @Test
  void invocationsOfAnInstrumentedHandlerBecomeExactCountsOnMetrics() throws Exception {
    int otlpPort = EmbeddedKafka.freePort();
    int metricsPort = EmbeddedKafka.freePort();
    try (LauncherProcess lambdascope =
        LauncherProcess.start(
            dir,
            List.of(
                "all",
                "--otlp-port", Integer.toString(otlpPort),
                "--metrics-port", Integer.toString(metricsPort),
                "--kafka-port", Integer.toString(EmbeddedKafka.freePort()),
                "--kafka-controller-port", Integer.toString(EmbeddedKafka.freePort()),
                "--data-dir", dir.resolve("data").toString()))) {
      Await.until("lambdascope all to be ready", Duration.ofSeconds(120), lambdascope::output,
          out -> out.contains("lambdascope: ready") || !lambdascope.isAlive());
      assertTrue(lambdascope.isAlive(), lambdascope::output);

      String functionOutput = runFunction("http://127.0.0.1:" + otlpPort);
      assertEquals(INVOCATIONS, functionOutput.lines().count(), functionOutput);

      int errors = INVOCATIONS / FAIL_EVERY;
      String metricsUrl = "http://127.0.0.1:" + metricsPort + "/metrics";
      PrometheusText metrics =
          Await.until("all invocations on /metrics", Duration.ofSeconds(60),
              () -> {
                String body = Http.getOrNull(metricsUrl);
                return body == null ? null : PrometheusText.parse(body);
              },
              m -> m.sum("faas_invocations_total", Map.of("function", FUNCTION)) >= INVOCATIONS);

      Map<String, String> fn = Map.of("function", FUNCTION);
      assertEquals(INVOCATIONS, metrics.sum("faas_invocations_total", fn));
      assertEquals(INVOCATIONS - errors,
          metrics.sum("faas_invocations_total", Map.of("function", FUNCTION, "outcome", "success")));
      assertEquals(errors, metrics.sum("faas_invocations_total", Map.of("function", FUNCTION, "outcome", "error")));
      assertEquals(1, metrics.sum("faas_coldstarts_total", fn));
      assertEquals(errors,
          metrics.sum("faas_errors_total", Map.of("function", FUNCTION, "error_type", "java.lang.IllegalStateException")));
      assertEquals(INVOCATIONS, metrics.sum("faas_invoke_duration_seconds_count", fn));
      assertEquals(INVOCATIONS,
          metrics.sum("faas_invoke_duration_seconds_bucket", Map.of("function", FUNCTION, "le", "+Inf")));

      int status = lambdascope.stop();
      String out = lambdascope.output();
      assertTrue(out.contains("lambdascope: stopped"), out);
      assertEquals(143, status, "exit status after SIGTERM\n" + out);
    }
  }

  /** The sample handler in a JVM of its own with the built agent, as Lambda would run it. */
  private String runFunction(String endpoint) throws Exception {
    String agentJar = System.getProperty("lambdascope.agent.jar");
    String classpath =
        String.join(
            java.io.File.pathSeparator,
            Path.of(SampleInvoker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
            Path.of(TestContext.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
            Path.of(Context.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-javaagent:" + agentJar,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp", classpath,
            SampleInvoker.class.getName(),
            Integer.toString(INVOCATIONS),
            Integer.toString(FAIL_EVERY));
    Map<String, String> env = builder.environment();
    env.put("_HANDLER", "io.lambdascope.launcher.sample.SampleHandler::handleRequest");
    env.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION);
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/29/[$LATEST]thinslice");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("AWS_REGION", "eu-west-1");
    env.put("LAMBDASCOPE_ENDPOINT", endpoint);
    env.put("LAMBDASCOPE_FLUSH_TIMEOUT", "5s");
    Path stderrFile = dir.resolve("function.err");
    Process function = builder.redirectError(stderrFile.toFile()).start();
    String stdout = new String(function.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(function.waitFor(60, TimeUnit.SECONDS), "function JVM did not finish");
    String stderr = java.nio.file.Files.readString(stderrFile);
    assertEquals(0, function.exitValue(), stdout + stderr);
    return stdout;
  }
}
