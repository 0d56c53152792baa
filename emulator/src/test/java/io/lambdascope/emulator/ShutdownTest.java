package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGTERM) on the emulator's JVM leaves no execution environment behind. */
class ShutdownTest {

  @Test
  void sigtermKillsEveryEnvironment(@TempDir Path dir) throws Exception {
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, """
        functions:
          - name: probe
            jar: ${EXAMPLES_JAR}
            handler: io.lambdascope.examples.probe.ProbeFunction::handleRequest
            memory: 128
        """);
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process emulator = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ForkedEmulator.class.getName(),
        functions.toString(), System.getProperty("examples.jar"))
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8));
      String line;
      int port = -1;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("READY ")) {
          port = Integer.parseInt(line.substring(6).trim());
          break;
        }
      }
      assertTrue(port > 0, "the forked emulator did not start");
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/2015-03-31/functions/probe/invocations"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      List<ProcessHandle> environments = emulator.descendants()
          .filter(p -> p.info().commandLine().map(c -> c.contains("api.client.AWSLambda")).orElse(false))
          .toList();
      assertEquals(1, environments.size(), "one warm environment");

      emulator.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook runs
      assertTrue(emulator.waitFor(30, TimeUnit.SECONDS), "the emulator did not stop");
      for (ProcessHandle env : environments) {
        env.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(env.isAlive(), "environment " + env.pid() + " outlived the emulator");
      }
    } finally {
      emulator.descendants().forEach(ProcessHandle::destroyForcibly);
      emulator.destroyForcibly();
    }
  }
}
