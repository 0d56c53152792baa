package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.emulator.FunctionDefinition;
import io.lambdascope.emulator.cloudwatch.LambdaMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** Makes the {@link FunctionRuntime} of each function, with the launch settings they share. */
public final class FunctionRuntimes implements AutoCloseable {
  private final LaunchSettings launch;
  private final Path logDir;
  private final Path layersDir;
  private final ProcessSignals signals = new ProcessSignals();
  private final List<FunctionLog> logs = new ArrayList<>();

  public FunctionRuntimes(EmulatorConfig config, Map<String, String> baseEnvironment, Path logDir, Path workDir,
      ExecutorService executor) throws IOException {
    requireNonNull(config, "config");
    List<String> options = new ArrayList<>();
    RuntimeNativeLibrary.unpack(workDir).ifPresent(lib -> options.add("-D" + RuntimeNativeLibrary.PROPERTY + "=" + lib));
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path taskRoot = Files.createDirectories(workDir.resolve("task"));
    this.launch = new LaunchSettings(java, config.runtimeClasspath().orElseGet(RuntimeClasspath::locate), options,
        baseEnvironment, taskRoot, config.host(), config.region(), config.initTimeout(), config.freeze(), executor,
        signals);
    this.logDir = requireNonNull(logDir, "logDir");
    this.layersDir = workDir.resolve("opt");
  }

  /** The function's runtime, with its layers unpacked into its own {@code /opt}, publishing to {@code metrics}. */
  public FunctionRuntime create(FunctionDefinition definition, LambdaMetrics metrics) throws IOException {
    Layers layers = Layers.unpack(definition.layers(), layersDir.resolve(definition.name()));
    FunctionLog log = new FunctionLog(logDir.resolve(definition.name() + ".log"));
    synchronized (logs) {
      logs.add(log);
    }
    return new FunctionRuntime(definition, launch, layers, log, metrics);
  }

  /** Closes the log files and the signalling shell (after the runtimes). */
  @Override
  public void close() {
    synchronized (logs) {
      logs.forEach(FunctionLog::close);
    }
    signals.close();
  }
}
