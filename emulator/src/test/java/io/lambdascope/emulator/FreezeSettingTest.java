package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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

/** LAMBDASCOPE_FREEZE=false, for debugging: idle environments keep running instead of being stopped. */
class FreezeSettingTest {

  @Test
  void withFreezeOffIdleEnvironmentsKeepRunning(@TempDir Path dir) throws Exception {
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, """
        functions:
          - name: probe
            jar: ${EXAMPLES_JAR}
            handler: io.lambdascope.examples.probe.ProbeFunction::handleRequest
            memory: 128
            reservedConcurrency: 1
        """);
    try (Emulator emulator = Emulator.start(EmulatorConfig.fromSettings(Map.of(
        "LAMBDASCOPE_FUNCTIONS", functions.toString(),
        "EXAMPLES_JAR", System.getProperty("examples.jar"),
        "LAMBDASCOPE_FREEZE", "false",
        "LAMBDASCOPE_INVOKE_PORT", "0",
        "LAMBDASCOPE_SQS_PORT", "0",
        "LAMBDASCOPE_EMULATOR_LOG_DIR", dir.resolve("logs").toString())))) {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(emulator.invokeEndpoint() + "/2015-03-31/functions/probe/invocations"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (emulator.idleEnvironments("probe") == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, emulator.idleEnvironments("probe"));
      // Long enough for a freeze to have happened, were it on.
      Thread.sleep(1000);
      List<ProcessHandle> processes = emulator.environmentProcesses("probe");
      assertFalse(processes.isEmpty());
      for (ProcessHandle p : processes) {
        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        assertNotEquals("T", stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
            "process " + p.pid() + " must not be stopped");
      }
    }
  }
}
