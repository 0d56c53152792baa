package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.emulator.FunctionDefinition;
import io.lambdascope.emulator.cloudwatch.LambdaMetrics;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** Makes the {@link FunctionRuntime} of each function, with the launch settings they share. */
public final class FunctionRuntimes {
  private final LaunchSettings launch;
  private final PlatformEventSender events;

  public FunctionRuntimes(EmulatorConfig config, Map<String, String> baseEnvironment, Path logDir, Path workDir,
      ExecutorService executor, PlatformEventSender events) throws java.io.IOException {
    requireNonNull(config, "config");
    java.util.List<String> options = RuntimeNativeLibrary.unpack(workDir)
        .map(lib -> java.util.List.of("-D" + RuntimeNativeLibrary.PROPERTY + "=" + lib))
        .orElse(java.util.List.of());
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    this.launch = new LaunchSettings(java, config.runtimeClasspath().orElseGet(RuntimeClasspath::locate), options,
        baseEnvironment, logDir, workDir, config.host(), config.region(), config.initTimeout(), executor);
    this.events = requireNonNull(events, "events");
  }

  public FunctionRuntime create(FunctionDefinition definition, LambdaMetrics metrics) {
    return new FunctionRuntime(definition, launch, events, metrics);
  }
}
