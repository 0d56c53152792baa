package io.lambdascope.emulator.internal;

import io.lambdascope.emulator.FunctionDefinition;
import io.lambdascope.emulator.cloudwatch.LambdaMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One execution environment, through Lambda's lifecycle. <b>Init</b>: the layers' external extensions start and
 * register, then the runtime starts; init ends when the runtime and every registered extension wait in
 * {@code next}. <b>Invoke</b>: the runtime and the extensions registered for INVOKE get the event; the caller is
 * answered as soon as the runtime posts its response; the invocation ends when the runtime and those extensions
 * call {@code next} again (the post-runtime phase), or at the deadline; then the environment is frozen.
 * <b>Shutdown</b> (spin-down, or a reset after a timeout or failure): buffered telemetry goes out, the runtime is
 * stopped, external extensions get SHUTDOWN and their time, then everything is killed.
 *
 * <p>The runtime and extensions call in on HTTP threads ({@link RuntimeApiServer.Environment}); the lifecycle runs
 * on the invoking thread and, after the runtime's response, on an executor thread. State is guarded by one lock,
 * notified on every change.
 */
final class ExecutionEnvironment implements RuntimeApiServer.Environment {
  /** How long a shutdown waits for buffered telemetry to be taken before it stops the processes. */
  private static final long FLUSH_MS = 1000;
  /** Lambda's limits for the shutdown phase: the whole, and the runtime's part without and with an internal extension. */
  private static final long SHUTDOWN_MS = 2000;
  private static final long RUNTIME_SHUTDOWN_MS = 300;
  private static final long RUNTIME_SHUTDOWN_INTERNAL_MS = 500;
  private static final String HANDLER_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  /** Why an environment is shut down: the {@code shutdownReason} of the SHUTDOWN event. */
  enum ShutdownReason {
    SPINDOWN, TIMEOUT, FAILURE;

    String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private enum State { NEW, INIT, READY, INVOKING, IDLE, SHUTDOWN, GONE }

  /** How an init ended; {@code body} is what a caller gets when it failed. */
  record InitOutcome(boolean ok, String status, String errorType, byte[] body, double durationMs) {}

  /**
   * One invocation as the environment runs it.
   *
   * @param initDurationMs the init of this cold start, reported with the invocation, or negative
   * @param announced whether {@code platform.start} went out already (a suppressed init ran inside the invocation)
   * @param ended told once when the invocation ends, and whether the environment can take another
   */
  record Invocation(String requestId, byte[] payload, String traceId, Instant start, long startNanos,
      long deadlineNanos, long timeoutMs, double initDurationMs, boolean announced, Consumer<Boolean> ended) {
    long deadlineEpochMs() {
      return start.toEpochMilli() + timeoutMs;
    }
  }

  final String logStream;
  private final FunctionDefinition definition;
  private final LaunchSettings launch;
  private final Layers layers;
  private final LambdaMetrics metrics;
  private final String arn;
  private final Object lock = new Object();
  private final FreezeGate gate;
  private final TelemetryApi telemetry;
  private final PlatformEventPublisher events;
  private final ExtensionRegistry registry;
  private final EnvironmentProcesses processes;
  private final RuntimeApiServer api;
  private final Consumer<ExecutionEnvironment> gone;

  // Guarded by lock.
  private State state = State.NEW;
  private boolean runtimeWaiting;
  private RuntimeInvocation pending;
  private RuntimeInvocation current;
  private String runtimeInitErrorType;
  private byte[] runtimeInitErrorBody;
  private boolean runtimeExited;
  private int runtimeExitCode;
  /** An extension that crashed or reported an error, as {@code errorType}. */
  private String extensionFailure;
  private boolean killed;
  private volatile long lastUsedNanos = System.nanoTime();

  /**
   * @param metrics where CloudWatch's Invocations, Errors and Duration are counted, with each report
   * @param gone told when the environment is shut down and its processes are gone
   */
  ExecutionEnvironment(FunctionDefinition definition, LaunchSettings launch, Layers layers, FunctionLog log,
      LambdaMetrics metrics, String arn, String logStream, Consumer<ExecutionEnvironment> gone) throws IOException {
    this.definition = definition;
    this.launch = launch;
    this.layers = layers;
    this.metrics = metrics;
    this.arn = arn;
    this.logStream = logStream;
    this.gone = gone;
    this.api = new RuntimeApiServer(launch.host(), this, launch.executor());
    List<String> externalNames = new ArrayList<>();
    layers.extensions().forEach(p -> externalNames.add(p.getFileName().toString()));
    this.registry = new ExtensionRegistry(lock, externalNames);
    EnvironmentProcesses[] ref = new EnvironmentProcesses[1];
    this.gate = new FreezeGate(new FreezeGate.Signals() {
      @Override
      public void stop() {
        ref[0].stop();
      }

      @Override
      public void resume() {
        ref[0].resume();
      }
    }, launch.freeze());
    this.telemetry = new TelemetryApi(launch.host(), gate);
    this.events = new PlatformEventPublisher(telemetry, definition.name(), definition.memoryMb(), logStream);
    this.processes = new EnvironmentProcesses(environment(), launch.workDir(), log,
        "lambdascope-" + definition.name(), telemetry::publish, launch.signals());
    ref[0] = processes;
  }

  /** The runtime's environment variables: the function's own, then Lambda's reserved ones, which win. */
  private Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String keep : List.of("PATH", "HOME", "LANG")) {
      String v = System.getenv(keep);
      if (v != null) {
        env.put(keep, v);
      }
    }
    env.putAll(launch.baseEnvironment());
    env.putAll(layers.mapOpt(definition.environment()));
    env.put("AWS_LAMBDA_FUNCTION_NAME", definition.name());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(definition.memoryMb()));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + definition.name());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStream);
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("AWS_LAMBDA_RUNTIME_API", api.address());
    env.put("AWS_REGION", launch.region());
    env.put("AWS_DEFAULT_REGION", launch.region());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java17");
    env.put("_HANDLER", definition.handler());
    env.put("LAMBDA_TASK_ROOT", launch.workDir().toString());
    env.put("TZ", ":UTC");
    return env;
  }

  /** The runtime's command line, as Lambda's Java runtimes start the runtime interface client. */
  private List<String> runtimeCommand() {
    List<String> command = new ArrayList<>();
    command.add(launch.javaCommand());
    // Lambda's Java runtimes size the heap from the memory setting and start with C1 only and the serial GC.
    command.add("-Xmx" + Math.max(64, definition.memoryMb() * 85 / 100) + "m");
    command.add("-XX:+TieredCompilation");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:-UsePerfData");
    command.addAll(launch.runtimeJvmOptions());
    List<String> classpath = new ArrayList<>();
    classpath.add(launch.runtimeClasspath());
    classpath.add(definition.jar().toString());
    layers.javaLibraries().forEach(p -> classpath.add(p.toString()));
    command.add("-cp");
    command.add(String.join(java.io.File.pathSeparator, classpath));
    command.add(HANDLER_CLASS);
    command.add(definition.handler());
    return command;
  }

  // ---- init ----

  /**
   * Runs init: extension init, then runtime init, within {@code deadlineNanos}. On failure the environment is left
   * as it is: the caller shuts it down.
   *
   * @param phase {@code init}, or {@code invoke} for an init retried inside an invocation
   */
  InitOutcome init(String phase, long deadlineNanos) throws InterruptedException {
    long start = System.nanoTime();
    synchronized (lock) {
      state = State.INIT;
    }
    events.initStart(phase);
    for (Path extension : layers.extensions()) {
      try {
        processes.startExtension(extension, this::extensionExited);
      } catch (IOException e) {
        return initFailed(phase, start, false, "error", "Extension.LaunchError",
            "cannot start extension " + extension.getFileName() + ": " + e.getMessage());
      }
    }
    // Extension init: every external extension registers before the runtime starts.
    String failure = null;
    synchronized (lock) {
      while (!registry.unregisteredExternal().isEmpty() && extensionFailure == null) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          failure = "timeout";
          break;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      if (failure == null && extensionFailure != null) {
        failure = extensionFailure;
      }
    }
    if ("timeout".equals(failure)) {
      return initFailed(phase, start, false, "timeout", "Runtime.InitTimeout", "Init timed out: extensions "
          + registry.unregisteredExternal() + " did not register");
    } else if (failure != null) {
      return initFailed(phase, start, false, "error", failure, "an extension failed during init: " + failure);
    }
    try {
      processes.startRuntime(runtimeCommand(), this::runtimeExited);
    } catch (IOException e) {
      return initFailed(phase, start, false, "error", "Runtime.Unknown",
          "cannot start the runtime: " + e.getMessage());
    }
    // Runtime init; init ends when the runtime and every registered extension wait in next.
    boolean runtimeDone = false;
    while (true) {
      boolean announce = false;
      String status = null;
      String errorType = null;
      String message = null;
      byte[] body = null;
      synchronized (lock) {
        if (runtimeInitErrorType != null) {
          status = "error";
          errorType = runtimeInitErrorType;
          body = runtimeInitErrorBody;
        } else if (runtimeExited) {
          status = "failure";
          errorType = "Runtime.ExitError";
          message = "Runtime exited with error: exit status " + runtimeExitCode;
        } else if (extensionFailure != null) {
          status = "error";
          errorType = extensionFailure;
          message = "an extension failed during init: " + extensionFailure;
        } else if (runtimeWaiting && !runtimeDone) {
          announce = true;
        } else if (runtimeWaiting && allWaiting(x -> true)) {
          break;
        } else {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            status = "timeout";
            errorType = "Runtime.InitTimeout";
            message = "Init did not finish within its limit";
          } else {
            lock.wait(Math.max(1, left / 1_000_000));
            continue;
          }
        }
      }
      if (announce) {
        runtimeDone = true;
        events.initRuntimeDone(phase, "success", null);
        continue;
      }
      return body != null
          ? initFailed(phase, start, runtimeDone, status, errorType, body)
          : initFailed(phase, start, runtimeDone, status, errorType, message);
    }
    registry.closeRegistration();
    telemetry.endOfInit();
    double durationMs = (System.nanoTime() - start) / 1e6;
    for (ExtensionRegistry.Extension x : registry.all()) {
      events.extension(x.name, List.copyOf(x.events), "Ready", null);
    }
    events.initReport(phase, "success", null, durationMs);
    synchronized (lock) {
      state = State.READY;
    }
    return new InitOutcome(true, "success", null, null, durationMs);
  }

  private InitOutcome initFailed(String phase, long start, boolean runtimeDone, String status, String errorType,
      String message) {
    return initFailed(phase, start, runtimeDone, status, errorType,
        Json.bytes(Map.of("errorType", errorType, "errorMessage", message)));
  }

  private InitOutcome initFailed(String phase, long start, boolean runtimeDone, String status, String errorType,
      byte[] body) {
    registry.closeRegistration();
    double durationMs = (System.nanoTime() - start) / 1e6;
    if (!runtimeDone) {
      events.initRuntimeDone(phase, status, errorType);
    }
    events.initReport(phase, status, errorType, durationMs);
    return new InitOutcome(false, status, errorType, body, durationMs);
  }

  // ---- invoke ----

  /** Emits {@code platform.start} before a suppressed init runs inside the invocation. */
  void announce(String requestId, String traceId) {
    events.start(requestId, traceId);
  }

  /**
   * Runs an invocation and returns as soon as the runtime answered (or the deadline passed, or the runtime died).
   * The post-runtime phase continues on an executor thread; {@link Invocation#ended} tells when it is over.
   */
  InvocationResult invoke(Invocation invocation) throws InterruptedException {
    long thaw = gate.thaw();
    if (!invocation.announced()) {
      events.start(invocation.requestId(), invocation.traceId());
    }
    RuntimeInvocation handed = new RuntimeInvocation(invocation.requestId(), invocation.payload(),
        invocation.deadlineEpochMs(), invocation.traceId(), arn);
    byte[] invokeEvent = invokeEvent(invocation);
    synchronized (lock) {
      state = State.INVOKING;
      runtimeWaiting = false;
      if (runtimeExited) {
        handed.outcome.complete(exited(handed.requestId));
      } else {
        pending = handed;
      }
      for (ExtensionRegistry.Extension x : registry.all()) {
        if (x.subscribed(ExtensionRegistry.INVOKE)) {
          registry.send(x, invokeEvent, false);
        }
      }
      lock.notifyAll();
    }
    RuntimeInvocation.RuntimeOutcome outcome;
    try {
      outcome = handed.outcome.get(Math.max(1, invocation.deadlineNanos() - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      outcome = null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("invocation future failed", e.getCause());
    } catch (InterruptedException e) {
      end(invocation, false);
      launch.executor().execute(() -> shutdown(ShutdownReason.FAILURE));
      throw e;
    }
    String requestId = invocation.requestId();
    if (outcome == null) {
      synchronized (lock) {
        pending = null;
        current = null;
      }
      double durationMs = Math.max(invocation.timeoutMs(), (System.nanoTime() - invocation.startNanos()) / 1e6);
      events.runtimeDone(requestId, invocation.traceId(), "timeout", "Sandbox.Timedout", durationMs, 0,
          invocation.start(), -1, 0);
      launch.executor().execute(() -> endFailed(invocation, "timeout", "Sandbox.Timedout", durationMs,
          ShutdownReason.TIMEOUT));
      return new InvocationResult(InvocationResult.Status.TIMEOUT, timedOut(invocation), "Sandbox.Timedout");
    }
    double durationMs = (outcome.completedNanos() - invocation.startNanos()) / 1e6;
    if (outcome.kind() == RuntimeInvocation.RuntimeOutcome.Kind.EXITED) {
      events.runtimeDone(requestId, invocation.traceId(), "error", "Runtime.ExitError", durationMs, 0,
          invocation.start(), -1, 0);
      launch.executor().execute(() -> endFailed(invocation, "error", "Runtime.ExitError", durationMs,
          ShutdownReason.FAILURE));
      return new InvocationResult(InvocationResult.Status.ERROR, outcome.body(), "Runtime.ExitError");
    }
    boolean success = outcome.kind() == RuntimeInvocation.RuntimeOutcome.Kind.RESPONSE;
    String status = success ? "success" : "error";
    String errorType = outcome.errorType();
    events.runtimeDone(requestId, invocation.traceId(), status, errorType, durationMs,
        outcome.body().length, invocation.start(), (outcome.receivedNanos() - invocation.startNanos()) / 1e6,
        (outcome.completedNanos() - outcome.receivedNanos()) / 1e6);
    launch.executor().execute(() -> postRuntime(invocation, status, errorType, thaw));
    return new InvocationResult(success ? InvocationResult.Status.SUCCESS : InvocationResult.Status.ERROR,
        outcome.body(), outcome.errorType());
  }

  /** The post-runtime phase: waits for the runtime and the INVOKE extensions to call {@code next}. */
  private void postRuntime(Invocation invocation, String status, String errorType, long thaw) {
    String failure = null;
    try {
      synchronized (lock) {
        while (!(runtimeWaiting && allWaiting(x -> x.subscribed(ExtensionRegistry.INVOKE)))) {
          if (runtimeExited) {
            failure = "runtime";
            break;
          }
          if (extensionFailure != null) {
            failure = extensionFailure;
            break;
          }
          long left = invocation.deadlineNanos() - System.nanoTime();
          if (left <= 0) {
            failure = "timeout";
            break;
          }
          lock.wait(Math.max(1, left / 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      failure = "interrupted";
    }
    double durationMs = (System.nanoTime() - invocation.startNanos()) / 1e6;
    if (failure == null) {
      report(invocation, status, errorType, durationMs, invocation.initDurationMs());
      lastUsedNanos = System.nanoTime();
      synchronized (lock) {
        if (state == State.INVOKING) {
          state = State.IDLE;
        }
      }
      // Free for the next invocation at once; the freeze follows unless that invocation already thawed it again.
      end(invocation, true);
      gate.freeze(thaw);
    } else if (failure.equals("timeout")) {
      // The deadline covers the whole invoke phase, extensions included.
      endFailed(invocation, "timeout", "Sandbox.Timedout", Math.max(durationMs, invocation.timeoutMs()),
          ShutdownReason.TIMEOUT);
    } else if (failure.equals("runtime") || failure.equals("interrupted")) {
      // The runtime answered, then died (an OutOfMemoryError ends the runtime interface client after it reports it).
      endFailed(invocation, status, errorType, durationMs, ShutdownReason.FAILURE);
    } else {
      endFailed(invocation, "error", failure, durationMs, ShutdownReason.FAILURE);
    }
  }

  private void endFailed(Invocation invocation, String status, String errorType, double durationMs,
      ShutdownReason reason) {
    report(invocation, status, errorType, durationMs, invocation.initDurationMs());
    end(invocation, false);
    shutdown(reason);
  }

  /**
   * An invocation whose suppressed init failed: reported, ended, and the environment shut down (on an executor).
   */
  InvocationResult initFailedInvocation(Invocation invocation, InitOutcome init) {
    boolean timeout = init.status().equals("timeout")
        || System.nanoTime() - invocation.deadlineNanos() >= 0;
    double durationMs = (System.nanoTime() - invocation.startNanos()) / 1e6;
    String status = timeout ? "timeout" : "error";
    String errorType = timeout ? "Sandbox.Timedout" : init.errorType();
    report(invocation, status, errorType, durationMs, -1);
    end(invocation, false);
    shutdownLater(timeout ? ShutdownReason.TIMEOUT : ShutdownReason.FAILURE);
    return timeout
        ? new InvocationResult(InvocationResult.Status.TIMEOUT, timedOut(invocation), errorType)
        : new InvocationResult(InvocationResult.Status.ERROR, init.body(), errorType);
  }

  /** {@code platform.report}; CloudWatch counts what the platform reports: Invocations, Errors, Duration. */
  private void report(Invocation invocation, String status, String errorType, double durationMs,
      double initDurationMs) {
    events.report(invocation.requestId(), invocation.traceId(), status, errorType, durationMs,
        processes.maxMemoryUsedMb(), initDurationMs);
    metrics.invoked(PlatformEventPublisher.round(durationMs), !status.equals("success"));
  }

  private static void end(Invocation invocation, boolean reusable) {
    invocation.ended().accept(reusable);
  }

  private byte[] timedOut(Invocation invocation) {
    String message = String.format(Locale.ROOT, "%s %s Task timed out after %.2f seconds",
        Json.time(Instant.now()), invocation.requestId(), invocation.timeoutMs() / 1000.0);
    return Json.bytes(Map.of("errorMessage", message, "errorType", "Sandbox.Timedout"));
  }

  private byte[] invokeEvent(Invocation invocation) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("eventType", ExtensionRegistry.INVOKE);
    e.put("deadlineMs", invocation.deadlineEpochMs());
    e.put("requestId", invocation.requestId());
    e.put("invokedFunctionArn", arn);
    e.put("tracing", Map.of("type", "X-Amzn-Trace-Id", "value", invocation.traceId()));
    return Json.bytes(e);
  }

  /** Whether every registered extension that {@code counts} waits in {@code next} (call under the lock). */
  private boolean allWaiting(Predicate<ExtensionRegistry.Extension> counts) {
    for (ExtensionRegistry.Extension x : registry.all()) {
      if (counts.test(x) && !x.waiting) {
        return false;
      }
    }
    return true;
  }

  // ---- shutdown ----

  /** Shuts the environment down on an executor thread. */
  void shutdownLater(ShutdownReason reason) {
    launch.executor().execute(() -> shutdown(reason));
  }

  /**
   * Thaws the environment, delivers the buffered telemetry, stops the runtime (SIGTERM when an extension is
   * registered, within Lambda's 300 ms, 500 ms with an internal extension; SIGKILL otherwise or after that), sends
   * SHUTDOWN to the external extensions registered for it and gives them the rest of the 2000 ms, then kills what
   * is left. A reset after an init error stops the runtime the same way: a runtime that reported its init error is
   * exiting (the Java runtime interface client calls {@code System.exit}), and what its internal extensions still
   * relay (that init's report) reaches them while it does. A reset after a timeout or another failure kills the
   * runtime first.
   */
  void shutdown(ShutdownReason reason) {
    synchronized (lock) {
      if (state == State.SHUTDOWN || state == State.GONE) {
        return;
      }
      state = State.SHUTDOWN;
      lock.notifyAll();
    }
    try {
      gate.thaw();
      List<ExtensionRegistry.Extension> extensions = registry.all();
      boolean internal = extensions.stream().anyMatch(x -> !x.external);
      boolean graceful;
      synchronized (lock) {
        graceful = reason == ShutdownReason.SPINDOWN
            || reason == ShutdownReason.FAILURE && runtimeInitErrorType != null;
      }
      if (graceful) {
        telemetry.flush(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_MS));
      }
      long start = System.nanoTime();
      long deadlineNanos = start + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_MS);
      if (graceful && !extensions.isEmpty()) {
        processes.terminateRuntime(internal ? RUNTIME_SHUTDOWN_INTERNAL_MS : RUNTIME_SHUTDOWN_MS);
      }
      processes.killRuntime();
      if (!graceful) {
        telemetry.flush(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_MS));
        start = System.nanoTime();
        deadlineNanos = start + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_MS);
      }
      List<ExtensionRegistry.Extension> toShut = new ArrayList<>();
      for (ExtensionRegistry.Extension x : extensions) {
        if (x.external && x.subscribed(ExtensionRegistry.SHUTDOWN) && processes.extensionAlive(x.name)) {
          toShut.add(x);
        }
      }
      byte[] event = shutdownEvent(reason, System.currentTimeMillis() + (deadlineNanos - System.nanoTime()) / 1_000_000);
      toShut.forEach(x -> registry.send(x, event, true));
      synchronized (lock) {
        while (toShut.stream().anyMatch(x -> !(x.waiting && x.shutdownSent) && processes.extensionAlive(x.name))) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            break;
          }
          lock.wait(Math.max(1, left / 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      kill();
    }
  }

  private static byte[] shutdownEvent(ShutdownReason reason, long deadlineEpochMs) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("eventType", ExtensionRegistry.SHUTDOWN);
    e.put("shutdownReason", reason.text());
    e.put("deadlineMs", deadlineEpochMs);
    return Json.bytes(e);
  }

  /**
   * Kills every process at once and stops the environment's APIs; idempotent. Calls blocked in {@code next} stay
   * unanswered until the processes are gone: an answer (or a closed connection) would let the runtime react before
   * its SIGKILL.
   */
  void kill() {
    synchronized (lock) {
      if (killed) {
        return;
      }
      killed = true;
      if (state != State.GONE) {
        state = State.SHUTDOWN;
      }
    }
    gate.close();
    processes.killAll();
    synchronized (lock) {
      state = State.GONE;
      lock.notifyAll();
    }
    telemetry.close();
    registry.close();
    api.close();
    gone.accept(this);
  }

  // ---- what the environment's processes report ----

  private void runtimeExited(int exitCode) {
    RuntimeInvocation holding;
    synchronized (lock) {
      runtimeExited = true;
      runtimeExitCode = exitCode;
      holding = current != null ? current : pending;
      current = null;
      pending = null;
      lock.notifyAll();
    }
    if (holding != null) {
      holding.outcome.complete(exited(holding.requestId));
    }
  }

  private RuntimeInvocation.RuntimeOutcome exited(String requestId) {
    long now = System.nanoTime();
    return new RuntimeInvocation.RuntimeOutcome(RuntimeInvocation.RuntimeOutcome.Kind.EXITED,
        String.format(Locale.ROOT, "{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: %s Error: "
            + "Runtime exited with error: exit status %d\"}", requestId, runtimeExitCode)
            .getBytes(StandardCharsets.UTF_8), "Runtime.ExitError", now, now);
  }

  private void extensionExited(String name, int exitCode) {
    synchronized (lock) {
      if (state != State.SHUTDOWN && state != State.GONE && extensionFailure == null) {
        extensionFailure = "Extension.Crash";
        for (ExtensionRegistry.Extension x : registry.all()) {
          if (x.name.equals(name) && x.errorType != null) {
            extensionFailure = x.errorType;
          }
        }
      }
      lock.notifyAll();
    }
  }

  // ---- RuntimeApiServer.Environment ----

  @Override
  public RuntimeInvocation nextInvocation() throws InterruptedException {
    synchronized (lock) {
      runtimeWaiting = true;
      lock.notifyAll();
      while (pending == null) {
        if (state == State.GONE) {
          return null;
        }
        lock.wait(200);
      }
      RuntimeInvocation handed = pending;
      pending = null;
      current = handed;
      runtimeWaiting = false;
      return handed;
    }
  }

  @Override
  public void runtimeResult(String requestId, RuntimeInvocation.RuntimeOutcome outcome) throws ApiError {
    RuntimeInvocation answered;
    synchronized (lock) {
      if (current == null || !current.requestId.equals(requestId)) {
        throw new ApiError(400, "InvalidRequestID", "Invalid request ID");
      }
      answered = current;
      current = null;
    }
    answered.outcome.complete(outcome);
  }

  @Override
  public void runtimeInitError(String errorType, byte[] body) {
    synchronized (lock) {
      if (state == State.INIT && runtimeInitErrorType == null) {
        runtimeInitErrorType = errorType;
        runtimeInitErrorBody = body;
        lock.notifyAll();
      }
    }
  }

  @Override
  public byte[] register(String name, byte[] body, boolean accountId, String[] identifier) throws ApiError {
    ExtensionRegistry.Extension extension = registry.register(name, body);
    identifier[0] = extension.id;
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("functionName", definition.name());
    answer.put("functionVersion", "$LATEST");
    answer.put("handler", definition.handler());
    if (accountId) {
      answer.put("accountId", "000000000000");
    }
    return Json.bytes(answer);
  }

  @Override
  public byte[] extensionNext(String identifier) throws ApiError, InterruptedException {
    return registry.next(registry.find(identifier));
  }

  @Override
  public void extensionError(String identifier, String errorType) throws ApiError {
    ExtensionRegistry.Extension extension = registry.find(identifier);
    registry.failed(extension, errorType);
    synchronized (lock) {
      if (state != State.SHUTDOWN && state != State.GONE && extensionFailure == null) {
        extensionFailure = errorType;
        lock.notifyAll();
      }
    }
  }

  @Override
  public void subscribe(String identifier, byte[] body) throws ApiError {
    ExtensionRegistry.Extension extension = registry.find(identifier);
    List<String> types = telemetry.subscribe(extension.name, body);
    events.telemetrySubscription(extension.name, types);
  }

  // ---- for the pool ----

  /** Idle and able to take an invocation: frozen, with its runtime and extensions alive. */
  boolean usable() {
    synchronized (lock) {
      if (state != State.IDLE || runtimeExited || extensionFailure != null) {
        return false;
      }
    }
    return processes.runtimeAlive();
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  /** Every living process of the environment (for tests and the pool's bookkeeping). */
  List<ProcessHandle> processes() {
    return processes.handles();
  }
}
