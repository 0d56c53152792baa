package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Init over its limit: reported as a timeout, the environment reset, and init retried inside the invocation within
 * the function's timeout (here too short as well). The recording extension keeps init going past the limit.
 */
class InitTimeoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void initOverItsLimitIsReportedResetAndRetriedWithinTheFunctionsTimeout(@TempDir Path dir) throws Exception {
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, """
        functions:
          - name: slow-init
            jar: ${EXAMPLES_JAR}
            handler: io.lambdascope.examples.probe.ProbeFunction::handleRequest
            layers:
              - ${RECORDER_LAYER}
            memory: 128
            timeout: 1s
            reservedConcurrency: 1
            environment:
              RECORDER_URL: ${RECORDER_URL}
              RECORDER_INIT_MS: "4000"
        """);
    try (TelemetryCapture capture = new TelemetryCapture();
        Emulator emulator = Emulator.start(EmulatorConfig.builder()
            .functionsFile(functions)
            .variables(Map.of("EXAMPLES_JAR", System.getProperty("examples.jar"),
                "RECORDER_LAYER", TestLayers.recorder(dir).toString(), "RECORDER_URL", capture.endpoint().toString()))
            .invokePort(0)
            .sqsPort(0)
            .endpoint(capture.endpoint())
            .initTimeout(Duration.ofSeconds(3))
            .logDir(dir.resolve("logs"))
            .build())) {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(emulator.invokeEndpoint() + "/2015-03-31/functions/slow-init/invocations"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode());
      assertEquals("Unhandled", answer.headers().firstValue("X-Amz-Function-Error").orElse(null));
      assertEquals("Sandbox.Timedout", JSON.readTree(answer.body()).path("errorType").asText(), answer.body());
      String requestId = answer.headers().firstValue("X-Amzn-RequestId").orElseThrow();
      Duration wait = Duration.ofSeconds(30);
      for (String phase : List.of("init", "invoke")) {
        TelemetryCapture.Received initReport = capture.await(e -> e.type().equals("platform.initReport")
            && e.record().path("phase").asText().equals(phase), 1, wait).get(0);
        assertEquals("timeout", initReport.record().path("status").asText(), initReport.toString());
      }
      double limited = capture.await(e -> e.type().equals("platform.initReport")
          && e.record().path("phase").asText().equals("init"), 1, wait).get(0)
          .record().path("metrics").path("durationMs").asDouble();
      assertTrue(limited >= 3000 && limited < 4000, "init stopped at its limit: " + limited + " ms");
      JsonNode report = capture.await(e -> e.type().equals("platform.report") && e.requestId().equals(requestId), 1,
          wait).get(0).record();
      assertEquals("timeout", report.path("status").asText(), report.toString());
      assertTrue(report.path("metrics").path("durationMs").asDouble() >= 1000, "the retried init had the function's "
          + "timeout: " + report);
    }
  }
}
