package io.lambdascope.benchmarks.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the built pieces are: the agent jar, the OpenTelemetry agent, the function jar and the
 * harness's own class path (all produced by the root build with {@code -Pbenchmarks}).
 */
public record Workspace(
    Path root,
    Path javaBin,
    Path agentJar,
    Path otelAgentJar,
    Path functionJar,
    Path testSupportJar,
    Path lambdaCoreJar,
    String harnessClasspath,
    Path workDir) {

  public static Workspace at(Path root) throws IOException {
    Path target = root.resolve("benchmarks/target");
    Path functionJar;
    try (var files = Files.list(target)) {
      functionJar =
          files
              .filter(p -> p.getFileName().toString().endsWith("-function.jar"))
              .findFirst()
              .orElseThrow(() -> new IOException("no *-function.jar in " + target + ": build with -Pbenchmarks"));
    }
    String dependencies = Files.readString(target.resolve("classpath.txt")).trim();
    String classpath = target.resolve("classes") + (dependencies.isEmpty() ? "" : ":" + dependencies);
    Path workDir = target.resolve("bench-work");
    Files.createDirectories(workDir);
    return new Workspace(
        root,
        Path.of(System.getProperty("java.home"), "bin", "java"),
        root.resolve("agent/target/lambdascope-agent.jar"),
        target.resolve("bench-lib/opentelemetry-javaagent.jar"),
        functionJar,
        target.resolve("bench-lib/lambdascope-test-support.jar"),
        target.resolve("bench-lib/aws-lambda-java-core.jar"),
        classpath,
        workDir);
  }

  /**
   * The function's class path: its jar and the Lambda core library, as in a deployment package, and
   * the Lambda Context its drivers call it with (test-support's, the runtime's stand-in).
   */
  public String functionClasspath() {
    return functionJar + ":" + testSupportJar + ":" + lambdaCoreJar;
  }

  /** The agent's Lambda layer: the jar and its exec wrapper, as users publish it. */
  public Path agentLayer() {
    return root.resolve("agent/target/lambdascope-agent-layer.zip");
  }

  public void requireFile(Path file, String hint) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("missing " + file + " (" + hint + ")");
    }
  }
}
