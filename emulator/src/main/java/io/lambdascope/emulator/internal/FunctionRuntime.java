package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.FunctionDefinition;
import io.lambdascope.emulator.cloudwatch.LambdaMetrics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One function: its pool of execution environments and its concurrency limit. Runs an invocation in a warm idle
 * environment when there is one (the most recently used), otherwise starts a new one (a cold start). A failed init
 * is retried once inside the invocation, within the function's timeout (Lambda's suppressed init). Environments are
 * reset after a timeout or failure, so the next invocation is cold, and spun down when idle too long.
 */
public final class FunctionRuntime implements AutoCloseable {
  private static final DateTimeFormatter LOG_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd");

  private final FunctionDefinition definition;
  private final LaunchSettings launch;
  private final Layers layers;
  private final FunctionLog log;
  private final LambdaMetrics metrics;
  private final String arn;
  private final Semaphore slots;
  private final Deque<ExecutionEnvironment> idle = new ArrayDeque<>();
  /** Every environment not yet gone: none may outlive {@link #close()}. */
  private final Set<ExecutionEnvironment> all = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  FunctionRuntime(FunctionDefinition definition, LaunchSettings launch, Layers layers, FunctionLog log,
      LambdaMetrics metrics) {
    this.definition = requireNonNull(definition, "definition");
    this.launch = requireNonNull(launch, "launch");
    this.layers = requireNonNull(layers, "layers");
    this.log = requireNonNull(log, "log");
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

  /** Environments running or idle. */
  public int environments() {
    return all.size();
  }

  /** Environments idle (frozen) and ready for an invocation. */
  public synchronized int idleEnvironments() {
    return idle.size();
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

  /**
   * Runs one invocation. The caller holds a concurrency slot and hands it over: it is released when the invocation
   * ends, after the post-runtime phase, which may be after this method returned with the runtime's answer.
   */
  public InvocationResult invoke(String requestId, byte[] payload) throws InterruptedException {
    AtomicBoolean released = new AtomicBoolean();
    Runnable releaseSlot = () -> {
      if (released.compareAndSet(false, true)) {
        slots.release();
      }
    };
    try {
      return run(requestId, payload, releaseSlot);
    } catch (InterruptedException | RuntimeException | Error e) {
      releaseSlot.run();
      throw e;
    }
  }

  private InvocationResult run(String requestId, byte[] payload, Runnable releaseSlot) throws InterruptedException {
    String traceId = traceId();
    ExecutionEnvironment env = takeIdle();
    if (env != null) {
      return env.invoke(invocation(requestId, payload, traceId, -1, false, ended(env, releaseSlot)));
    }
    ExecutionEnvironment.InitOutcome init;
    try {
      env = startEnvironment();
      init = env.init("init", System.nanoTime() + launch.initTimeout().toNanos());
    } catch (IOException e) {
      releaseSlot.run();
      return InvocationResult.failed("Runtime.Unknown", "cannot start an execution environment: " + e.getMessage());
    }
    if (init.ok()) {
      return env.invoke(invocation(requestId, payload, traceId, init.durationMs(), false, ended(env, releaseSlot)));
    }
    env.shutdownLater(init.status().equals("timeout")
        ? ExecutionEnvironment.ShutdownReason.TIMEOUT : ExecutionEnvironment.ShutdownReason.FAILURE);
    // Lambda retries a failed init once, inside the invocation and within the function's timeout.
    ExecutionEnvironment retry;
    try {
      retry = startEnvironment();
    } catch (IOException e) {
      releaseSlot.run();
      return InvocationResult.failed("Runtime.Unknown", "cannot start an execution environment: " + e.getMessage());
    }
    ExecutionEnvironment.Invocation invocation =
        invocation(requestId, payload, traceId, -1, true, ended(retry, releaseSlot));
    retry.announce(requestId, traceId);
    ExecutionEnvironment.InitOutcome suppressed = retry.init("invoke", invocation.deadlineNanos());
    return suppressed.ok() ? retry.invoke(invocation) : retry.initFailedInvocation(invocation, suppressed);
  }

  private ExecutionEnvironment.Invocation invocation(String requestId, byte[] payload, String traceId,
      double initDurationMs, boolean announced, Consumer<Boolean> ended) {
    long timeoutMs = definition.timeout().toMillis();
    long startNanos = System.nanoTime();
    return new ExecutionEnvironment.Invocation(requestId, payload, traceId, Instant.now(), startNanos,
        startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs), timeoutMs, initDurationMs, announced, ended);
  }

  /** When the invocation ends: back to the idle pool if the environment can take another, then the slot is free. */
  private Consumer<Boolean> ended(ExecutionEnvironment env, Runnable releaseSlot) {
    return reusable -> {
      if (reusable) {
        synchronized (this) {
          if (closed) {
            env.shutdownLater(ExecutionEnvironment.ShutdownReason.SPINDOWN);
          } else {
            idle.addLast(env);
          }
        }
      }
      releaseSlot.run();
    };
  }

  private ExecutionEnvironment startEnvironment() throws IOException {
    String logStream = LocalDate.now(ZoneOffset.UTC).format(LOG_DATE) + "/[$LATEST]"
        + UUID.randomUUID().toString().replace("-", "");
    ExecutionEnvironment env = new ExecutionEnvironment(definition, launch, layers, log, metrics, arn, logStream,
        all::remove);
    all.add(env);
    if (closed) {
      env.kill();
      throw new IOException("the emulator is closing");
    }
    return env;
  }

  private synchronized ExecutionEnvironment takeIdle() {
    while (!idle.isEmpty()) {
      ExecutionEnvironment env = idle.pollLast();
      if (env.usable()) {
        return env;
      }
      env.shutdownLater(ExecutionEnvironment.ShutdownReason.FAILURE);
    }
    return null;
  }

  /** Spins down environments idle for longer than {@code maxIdle}. */
  public void reclaimIdle(Duration maxIdle) {
    List<ExecutionEnvironment> reclaimed = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      idle.removeIf(env -> {
        boolean old = now - env.lastUsedNanos() > maxIdle.toNanos();
        if (old) {
          reclaimed.add(env);
        }
        return old;
      });
    }
    reclaimed.forEach(env -> env.shutdownLater(ExecutionEnvironment.ShutdownReason.SPINDOWN));
  }

  /** Spins every environment down, as Lambda does when it reclaims them; completes when they are gone. */
  public CompletableFuture<Void> spinDown() {
    synchronized (this) {
      closed = true;
      idle.clear();
    }
    List<CompletableFuture<Void>> downs = new ArrayList<>();
    for (ExecutionEnvironment env : new ArrayList<>(all)) {
      downs.add(CompletableFuture.runAsync(() -> env.shutdown(ExecutionEnvironment.ShutdownReason.SPINDOWN),
          launch.executor()));
    }
    return CompletableFuture.allOf(downs.toArray(CompletableFuture[]::new));
  }

  /** Spins every environment down (briefly) and kills whatever is left. */
  @Override
  public void close() {
    try {
      spinDown().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // killed below
    }
    for (ExecutionEnvironment env : new ArrayList<>(all)) {
      env.kill();
    }
  }

  private static String traceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("Root=1-%08x-%024x;Parent=%016x;Sampled=0",
        System.currentTimeMillis() / 1000, new java.math.BigInteger(96, r), r.nextLong());
  }

  /** For tests of the environments' lifecycle: every living process of the function's environments. */
  public List<ProcessHandle> processes() {
    List<ProcessHandle> out = new ArrayList<>();
    all.forEach(env -> out.addAll(env.processes()));
    return out;
  }
}
