package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.emulator.FunctionDefinition;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** Makes the {@link FunctionRuntime} of each function, with the launch settings they share. */
public final class FunctionRuntimes implements AutoCloseable {
  private final LaunchSettings launch;
  private final Path logDir;
  private final Path layersDir;
  private final ThrottleEventShortcut throttles;
  private final ProcessSignals signals = new ProcessSignals();
  private final List<FunctionLog> logs = new ArrayList<>();

  public FunctionRuntimes(EmulatorConfig config, Map<String, String> baseEnvironment, Path logDir, Path workDir,
      ExecutorService executor, ThrottleEventShortcut throttles) throws IOException {
    requireNonNull(config, "config");
    List<String> options = new ArrayList<>();
    RuntimeNativeLibrary.unpack(workDir).ifPresent(lib -> options.add("-D" + RuntimeNativeLibrary.PROPERTY + "=" + lib));
    sandboxHosts(workDir, config.host()).ifPresent(hosts -> options.add("-Djdk.net.hosts.file=" + hosts));
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path taskRoot = Files.createDirectories(workDir.resolve("task"));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1)).executor(executor).build();
    this.launch = new LaunchSettings(java, config.runtimeClasspath().orElseGet(RuntimeClasspath::locate), options,
        baseEnvironment, taskRoot, config.host(), config.region(), config.initTimeout(), config.freeze(), executor,
        http, signals);
    this.logDir = requireNonNull(logDir, "logDir");
    this.layersDir = workDir.resolve("opt");
    this.throttles = requireNonNull(throttles, "throttles");
  }

  /**
   * On Lambda, {@code sandbox.localdomain} names the environment itself: telemetry listeners bind to it. Where this
   * machine does not resolve it, the runtime's JVM gets a hosts file that does (and has this machine's
   * {@code /etc/hosts}; other names do not resolve in it then: add {@code sandbox.localdomain} to /etc/hosts to
   * keep DNS).
   */
  private static java.util.Optional<Path> sandboxHosts(Path workDir, String loopback) throws IOException {
    try {
      InetAddress.getByName(TelemetryApi.SANDBOX_HOST);
      return java.util.Optional.empty();
    } catch (UnknownHostException e) {
      StringBuilder hosts = new StringBuilder();
      Path etc = Path.of("/etc/hosts");
      if (Files.isReadable(etc)) {
        hosts.append(Files.readString(etc)).append('\n');
      }
      hosts.append(loopback).append(' ').append(TelemetryApi.SANDBOX_HOST).append('\n');
      return java.util.Optional.of(Files.writeString(workDir.resolve("hosts"), hosts));
    }
  }

  /** The function's runtime, with its layers unpacked into its own {@code /opt}. */
  public FunctionRuntime create(FunctionDefinition definition) throws IOException {
    Layers layers = Layers.unpack(definition.layers(), layersDir.resolve(definition.name()));
    FunctionLog log = new FunctionLog(logDir.resolve(definition.name() + ".log"));
    synchronized (logs) {
      logs.add(log);
    }
    return new FunctionRuntime(definition, launch, layers, log, throttles);
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
