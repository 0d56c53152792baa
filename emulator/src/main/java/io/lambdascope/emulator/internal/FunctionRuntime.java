package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.FunctionDefinition;
import io.lambdascope.emulator.cloudwatch.LambdaMetrics;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One function: its pool of execution environments and its concurrency limit. Runs an invocation in a warm idle
 * environment when there is one (the most recently used), otherwise starts a new one (a cold start); kills an
 * environment at its deadline, so the next invocation after a timeout is cold; reclaims idle ones.
 */
public final class FunctionRuntime implements AutoCloseable {
  private static final DateTimeFormatter LOG_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd");

  private final FunctionDefinition definition;
  private final LaunchSettings launch;
  private final PlatformEventSender events;
  private final LambdaMetrics metrics;
  private final String arn;
  private final Semaphore slots;
  private final Deque<ExecutionEnvironment> idle = new ArrayDeque<>();
  private final Set<ExecutionEnvironment> all = ConcurrentHashMap.newKeySet();
  /** Every process this function started, also discarded ones: none may outlive {@link #close()}. */
  private final Set<ProcessHandle> started = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  FunctionRuntime(FunctionDefinition definition, LaunchSettings launch, PlatformEventSender events,
      LambdaMetrics metrics) {
    this.definition = requireNonNull(definition, "definition");
    this.launch = requireNonNull(launch, "launch");
    this.events = requireNonNull(events, "events");
    this.metrics = requireNonNull(metrics, "metrics");
    this.arn = "arn:aws:lambda:" + launch.region() + ":000000000000:function:" + definition.name();
    this.slots = new Semaphore(definition.reservedConcurrency());
  }

  public FunctionDefinition definition() {
    return definition;
  }

  public String arn() {
    return arn;
  }

  /** Takes a concurrency slot if one is free: no slot means a throttle. */
  public boolean tryAcquire() {
    boolean acquired = !closed && slots.tryAcquire();
    if (acquired) {
      // Counted as it starts, so that an execution shorter than the sampling interval still shows.
      metrics.concurrentExecutions(concurrentExecutions());
    }
    return acquired;
  }

  public void release() {
    slots.release();
  }

  /** Environments running or idle. */
  public int environments() {
    return all.size();
  }

  /** Executions in progress: the concurrency slots taken (CloudWatch's ConcurrentExecutions). */
  public int concurrentExecutions() {
    return definition.reservedConcurrency() - slots.availablePermits();
  }

  /** The function's CloudWatch metrics (AWS/Lambda). */
  public LambdaMetrics metrics() {
    return metrics;
  }

  /**
   * An invocation refused for want of a concurrency slot. It never reaches an environment, so no platform event
   * tells of it: as on AWS, only CloudWatch counts it (Throttles).
   */
  public void throttled() {
    metrics.throttled();
  }

  /** Runs one invocation; the caller holds a concurrency slot. */
  public InvocationResult invoke(String requestId, byte[] payload) throws InterruptedException {
    ExecutionEnvironment env = takeIdle();
    boolean cold = env == null;
    if (cold) {
      try {
        env = startEnvironment();
      } catch (IOException e) {
        return failedStart(requestId, "Runtime.Unknown", "cannot start an execution environment: " + e.getMessage());
      }
      InvocationResult failure = awaitInit(env, requestId);
      if (failure != null) {
        return failure;
      }
    }
    env.fresh = false;
    Map<String, Object> start = new LinkedHashMap<>();
    start.put("requestId", requestId);
    start.put("version", "$LATEST");
    events.emit(definition.name(), "platform.start", start);

    long startNanos = System.nanoTime();
    long deadline = System.currentTimeMillis() + definition.timeout().toMillis();
    RuntimeInvocation invocation = new RuntimeInvocation(requestId, payload, deadline, traceId());
    env.api.hand(invocation);
    RuntimeInvocation.RuntimeOutcome outcome;
    try {
      outcome = invocation.outcome.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      outcome = null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("invocation future failed", e.getCause());
    } catch (InterruptedException e) {
      discard(env);
      throw e;
    }
    long endNanos = outcome == null ? System.nanoTime() : outcome.completedNanos();
    // A timed-out invocation lasted its whole timeout, whatever the timer's granularity says.
    double durationMs = outcome == null
        ? Math.max((endNanos - startNanos) / 1e6, definition.timeout().toMillis())
        : (endNanos - startNanos) / 1e6;
    long maxMemory = env.maxMemoryUsedMb();
    InvocationResult result;
    if (outcome == null) {
      // Killed at its deadline and discarded, as Lambda does: the next invocation is a cold start.
      discard(env);
      String message = String.format(java.util.Locale.ROOT, "%s %s Task timed out after %.2f seconds",
          Json.time(Instant.now()), requestId, definition.timeout().toMillis() / 1000.0);
      result = new InvocationResult(InvocationResult.Status.TIMEOUT,
          Json.bytes(Map.of("errorMessage", message, "errorType", "Sandbox.Timedout")), "Sandbox.Timedout",
          cold, durationMs);
    } else if (outcome.kind() == RuntimeInvocation.RuntimeOutcome.Kind.RESPONSE) {
      release(env);
      result = new InvocationResult(InvocationResult.Status.SUCCESS, outcome.body(), null, cold, durationMs);
    } else {
      if (outcome.kind() == RuntimeInvocation.RuntimeOutcome.Kind.EXITED) {
        discard(env);
      } else {
        release(env);
      }
      result = new InvocationResult(InvocationResult.Status.ERROR, outcome.body(), outcome.errorType(), cold,
          durationMs);
    }
    report(requestId, result, cold ? env.initDurationNanos / 1e6 : -1, maxMemory,
        outcome == null ? 0 : outcome.body().length);
    return result;
  }

  private void report(String requestId, InvocationResult result, double initMs, long maxMemoryMb, int producedBytes) {
    double duration = Math.round(result.durationMs() * 100) / 100.0;
    // CloudWatch counts what the platform reports: Invocations, Errors and Duration come with platform.report.
    metrics.invoked(duration, result.failed());
    Map<String, Object> runtimeMetrics = new LinkedHashMap<>();
    runtimeMetrics.put("durationMs", duration);
    runtimeMetrics.put("producedBytes", producedBytes);
    Map<String, Object> runtimeDone = new LinkedHashMap<>();
    runtimeDone.put("requestId", requestId);
    runtimeDone.put("status", result.status().telemetryName());
    if (result.errorType() != null) {
      runtimeDone.put("errorType", result.errorType());
    }
    runtimeDone.put("metrics", runtimeMetrics);
    events.emit(definition.name(), "platform.runtimeDone", runtimeDone);

    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("durationMs", duration);
    metrics.put("billedDurationMs", (long) Math.ceil(duration));
    metrics.put("memorySizeMB", definition.memoryMb());
    metrics.put("maxMemoryUsedMB", maxMemoryMb);
    if (initMs >= 0) {
      metrics.put("initDurationMs", Math.round(initMs * 100) / 100.0);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("requestId", requestId);
    report.put("status", result.status().telemetryName());
    if (result.errorType() != null) {
      report.put("errorType", result.errorType());
    }
    report.put("metrics", metrics);
    events.emit(definition.name(), "platform.report", report);
  }

  private InvocationResult awaitInit(ExecutionEnvironment env, String requestId) throws InterruptedException {
    String status;
    String errorType;
    byte[] body;
    try {
      long initDoneNanos = env.api.initDone.get(launch.initTimeout().toMillis(), TimeUnit.MILLISECONDS);
      env.initDurationNanos = initDoneNanos - env.startedNanos;
      initDone(env, "success", null);
      return null;
    } catch (TimeoutException e) {
      status = "timeout";
      errorType = "Runtime.InitTimeout";
      body = Json.bytes(Map.of("errorType", errorType,
          "errorMessage", "init did not finish within " + launch.initTimeout().toSeconds() + "s"));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeApiServer.InitErrorException init) {
        status = "error";
        errorType = init.errorType;
        body = init.body;
      } else {
        status = "failure";
        errorType = "Runtime.ExitError";
        body = Json.bytes(Map.of("errorType", errorType, "errorMessage", String.valueOf(e.getCause().getMessage())));
      }
    }
    env.initDurationNanos = System.nanoTime() - env.startedNanos;
    discard(env);
    initDone(env, status, errorType);
    InvocationResult result = new InvocationResult(InvocationResult.Status.ERROR, body, errorType, true,
        env.initDurationNanos / 1e6);
    report(requestId, result, env.initDurationNanos / 1e6, 0, 0);
    return result;
  }

  private InvocationResult failedStart(String requestId, String errorType, String message) {
    InvocationResult result = new InvocationResult(InvocationResult.Status.ERROR,
        Json.bytes(Map.of("errorType", errorType, "errorMessage", message)), errorType, true, 0);
    report(requestId, result, 0, 0, 0);
    return result;
  }

  private void initDone(ExecutionEnvironment env, String status, String errorType) {
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("initializationType", "on-demand");
    done.put("phase", "init");
    done.put("status", status);
    if (errorType != null) {
      done.put("errorType", errorType);
    }
    events.emit(definition.name(), "platform.initRuntimeDone", done);
    Map<String, Object> report = new LinkedHashMap<>(done);
    report.put("metrics", Map.of("durationMs", Math.round(env.initDurationNanos / 1e4) / 100.0));
    events.emit(definition.name(), "platform.initReport", report);
  }

  private ExecutionEnvironment startEnvironment() throws IOException {
    String logStream = LocalDate.now(ZoneOffset.UTC).format(LOG_DATE) + "/[$LATEST]"
        + UUID.randomUUID().toString().replace("-", "");
    RuntimeApiServer api = new RuntimeApiServer(launch.host(), arn, launch.executor());
    List<String> command = new ArrayList<>();
    command.add(launch.javaCommand());
    // Lambda's Java runtimes size the heap from the memory setting and start with C1 only and the serial GC.
    command.add("-Xmx" + Math.max(64, definition.memoryMb() * 85 / 100) + "m");
    command.add("-XX:+TieredCompilation");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:-UsePerfData");
    command.addAll(launch.runtimeJvmOptions());
    command.add("-cp");
    command.add(launch.runtimeClasspath() + File.pathSeparator + definition.jar());
    command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
    command.add(definition.handler());
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    Map<String, String> inherited = new HashMap<>();
    for (String keep : List.of("PATH", "HOME", "LANG")) {
      if (env.get(keep) != null) {
        inherited.put(keep, env.get(keep));
      }
    }
    env.clear();
    env.putAll(inherited);
    env.putAll(launch.baseEnvironment());
    env.putAll(definition.environment());
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
    builder.directory(launch.workDir().toFile());
    File log = launch.logDir().resolve(definition.name() + ".log").toFile();
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log));

    Map<String, Object> initStart = new LinkedHashMap<>();
    initStart.put("initializationType", "on-demand");
    initStart.put("phase", "init");
    initStart.put("runtimeVersion", "java:17.lambdascope-emulator");
    initStart.put("functionName", definition.name());
    initStart.put("functionVersion", "$LATEST");
    initStart.put("instanceId", logStream);
    initStart.put("instanceMaxMemory", definition.memoryMb());
    long startNanos = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      api.close();
      throw e;
    }
    events.emit(definition.name(), "platform.initStart", initStart);
    started.add(process.toHandle());
    process.onExit().thenRun(() -> started.remove(process.toHandle()));
    ExecutionEnvironment environment = new ExecutionEnvironment(logStream, process, api, startNanos);
    all.add(environment);
    if (closed) {
      discard(environment);
    }
    return environment;
  }

  private synchronized ExecutionEnvironment takeIdle() {
    while (!idle.isEmpty()) {
      ExecutionEnvironment env = idle.pollLast();
      if (env.alive()) {
        return env;
      }
      discard(env);
    }
    return null;
  }

  private synchronized void release(ExecutionEnvironment env) {
    env.lastUsedNanos = System.nanoTime();
    if (closed || !env.alive()) {
      discard(env);
    } else {
      idle.addLast(env);
    }
  }

  private void discard(ExecutionEnvironment env) {
    all.remove(env);
    env.kill();
  }

  /** Kills environments idle for longer than {@code maxIdle}. */
  public void reclaimIdle(Duration maxIdle) {
    List<ExecutionEnvironment> reclaimed = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      idle.removeIf(env -> {
        boolean old = now - env.lastUsedNanos > maxIdle.toNanos() || !env.alive();
        if (old) {
          reclaimed.add(env);
        }
        return old;
      });
    }
    reclaimed.forEach(this::discard);
  }

  private static String traceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("Root=1-%08x-%024x;Parent=%016x;Sampled=0",
        System.currentTimeMillis() / 1000, new java.math.BigInteger(96, r), r.nextLong());
  }

  /** Kills every environment of the function and waits briefly for the processes to go. */
  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      idle.clear();
    }
    new ArrayList<>(all).forEach(this::discard);
    List<ProcessHandle> processes = new ArrayList<>(started);
    for (ProcessHandle p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (ProcessHandle p : processes) {
      try {
        p.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // forcibly destroyed already; nothing more to do
      }
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
