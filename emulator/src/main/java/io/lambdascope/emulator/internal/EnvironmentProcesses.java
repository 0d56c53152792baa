package io.lambdascope.emulator.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The processes of one execution environment: the external extensions, the runtime, and whatever they start. Starts
 * them with the environment Lambda gives each, sends them signals (stop and continue for a freeze, TERM and KILL at
 * shutdown) and measures their memory.
 */
final class EnvironmentProcesses implements FreezeGate.Signals {
  /** Variables of the runtime's environment that Lambda does not pass to extensions. */
  static final List<String> RUNTIME_ONLY = List.of("AWS_EXECUTION_ENV", "AWS_LAMBDA_LOG_GROUP_NAME",
      "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_DAEMON_ADDRESS", "LAMBDA_RUNTIME_DIR",
      "LAMBDA_TASK_ROOT", "_AWS_XRAY_DAEMON_ADDRESS", "_AWS_XRAY_DAEMON_PORT", "_HANDLER");

  private final Map<String, String> environment;
  private final Path workDir;
  private final FunctionLog log;
  private final String logPrefix;
  private final Consumer<TelemetrySubscription.Event> telemetry;
  private final ProcessSignals signals;
  private final List<Process> started = new CopyOnWriteArrayList<>();
  private final Map<String, Process> extensions = new LinkedHashMap<>();
  private volatile Process runtime;
  /** The processes a freeze stopped, continued by the thaw. */
  private List<ProcessHandle> stopped = List.of();

  /**
   * @param environment the runtime's environment variables; extensions get them without {@link #RUNTIME_ONLY}
   */
  EnvironmentProcesses(Map<String, String> environment, Path workDir, FunctionLog log, String logPrefix,
      Consumer<TelemetrySubscription.Event> telemetry, ProcessSignals signals) {
    this.environment = Map.copyOf(environment);
    this.workDir = workDir;
    this.log = log;
    this.logPrefix = logPrefix;
    this.telemetry = telemetry;
    this.signals = signals;
  }

  /** Starts an external extension: the executable file, with the extensions' environment. */
  Process startExtension(Path file, BiConsumer<String, Integer> exited) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(environment);
    RUNTIME_ONLY.forEach(env::remove);
    String name = file.getFileName().toString();
    Process p = start(List.of(file.toString()), env, "extension", logPrefix + "-extension-" + name);
    synchronized (this) {
      extensions.put(name, p);
    }
    p.onExit().thenAccept(x -> exited.accept(name, x.exitValue()));
    return p;
  }

  /** Starts the runtime: {@code command}, through {@code AWS_LAMBDA_EXEC_WRAPPER} when set, as Lambda's Java runtimes do. */
  Process startRuntime(List<String> command, Consumer<Integer> exited) throws IOException {
    List<String> full = new ArrayList<>();
    String wrapper = environment.get("AWS_LAMBDA_EXEC_WRAPPER");
    if (wrapper != null && !wrapper.isBlank()) {
      full.add(wrapper);
    }
    full.addAll(command);
    Process p = start(full, environment, "function", logPrefix + "-runtime");
    runtime = p;
    p.onExit().thenAccept(x -> exited.accept(x.exitValue()));
    return p;
  }

  private Process start(List<String> command, Map<String, String> env, String category, String threadName)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.directory(workDir.toFile());
    builder.redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = builder.start();
    started.add(p);
    log.pump(p.getInputStream(), category, threadName, telemetry);
    return p;
  }

  boolean runtimeAlive() {
    Process r = runtime;
    return r != null && r.isAlive();
  }

  synchronized boolean extensionAlive(String name) {
    Process p = extensions.get(name);
    return p != null && p.isAlive();
  }

  /** Every living process of the environment, descendants included. */
  List<ProcessHandle> handles() {
    List<ProcessHandle> all = new ArrayList<>();
    for (Process p : started) {
      if (p.isAlive()) {
        all.add(p.toHandle());
        p.descendants().forEach(all::add);
      }
    }
    return all;
  }

  @Override
  public synchronized void stop() {
    stopped = handles();
    signals.send("STOP", stopped);
  }

  @Override
  public synchronized void resume() {
    signals.send("CONT", stopped);
    stopped = List.of();
  }

  /** SIGTERM to the runtime (and what it started), then waits up to {@code waitMs} for it to exit. */
  boolean terminateRuntime(long waitMs) throws InterruptedException {
    Process r = runtime;
    if (r == null || !r.isAlive()) {
      return true;
    }
    r.descendants().forEach(ProcessHandle::destroy);
    r.destroy();
    return r.waitFor(waitMs, TimeUnit.MILLISECONDS);
  }

  /** SIGKILL to the runtime and what it started. */
  void killRuntime() {
    Process r = runtime;
    if (r != null) {
      kill(r);
    }
  }

  /** SIGKILL to every process of the environment, and waits (briefly) until they are gone. */
  void killAll() {
    for (Process p : started) {
      kill(p);
    }
    for (Process p : started) {
      try {
        p.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // killed already; nothing more to do
      }
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /**
   * Peak resident memory of the environment: the sum of each living process's peak (VmHWM), in MB. Lambda measures
   * the sandbox as a whole; the sum of the peaks is an upper bound of the peak of the sum.
   */
  long maxMemoryUsedMb() {
    long kb = 0;
    for (ProcessHandle p : handles()) {
      kb += peakKb(p.pid());
    }
    return (kb + 1023) / 1024;
  }

  private static long peakKb(long pid) {
    try (Stream<String> lines = Files.lines(Path.of("/proc/" + pid + "/status"))) {
      return lines.filter(l -> l.startsWith("VmHWM:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
          .findFirst().orElse(0);
    } catch (IOException | RuntimeException e) {
      return 0; // the process may just have exited
    }
  }
}
