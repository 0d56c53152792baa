package io.lambdascope.emulator;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.cloudwatch.CloudWatch;
import io.lambdascope.emulator.cloudwatch.CloudWatchConfig;
import io.lambdascope.emulator.internal.AsyncInvoker;
import io.lambdascope.emulator.internal.Downstream;
import io.lambdascope.emulator.internal.ElasticMq;
import io.lambdascope.emulator.internal.FunctionRuntime;
import io.lambdascope.emulator.internal.FunctionRuntimes;
import io.lambdascope.emulator.internal.InvokeApiServer;
import io.lambdascope.emulator.internal.Json;
import io.lambdascope.emulator.internal.LambdaControlPlane;
import io.lambdascope.emulator.internal.SqsEventSource;
import io.lambdascope.emulator.internal.SqsThrottlingFront;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A local Lambda: the functions of a functions file, each execution environment a real JVM running the official
 * runtime interface client, with the functions' layers and their extensions, the Extensions and Telemetry APIs,
 * and environments frozen between invocations; the Invoke API; asynchronous invocations; SQS event source
 * mappings against an embedded ElasticMQ; schedules. {@link #close()} (also run by a shutdown hook) spins every
 * environment down and kills what is left.
 */
public final class Emulator implements AutoCloseable {
  private final EmulatorConfig config;
  private final List<AutoCloseable> closeables = Collections.synchronizedList(new ArrayList<>());
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final Map<String, FunctionRuntime> runtimes = new LinkedHashMap<>();
  private final Map<String, AsyncInvoker> asyncInvokers = new LinkedHashMap<>();
  private final List<SourceQueue> sourceQueues = new ArrayList<>();
  private final List<DeadLetterQueue> deadLetterQueues = new ArrayList<>();
  private final Thread shutdownHook;
  private CloudWatch cloudWatch;
  private ElasticMq sqs;
  private SqsThrottlingFront sqsFront;
  private Downstream downstream;
  private InvokeApiServer invokeApi;
  private List<FunctionDefinition> definitions;
  private volatile boolean closed;

  private Emulator(EmulatorConfig config) {
    this.config = config;
    this.executor = Executors.newCachedThreadPool(daemon("lambdascope-emulator-http"));
    this.scheduler = Executors.newScheduledThreadPool(1, daemon("lambdascope-emulator-scheduler"));
    this.shutdownHook = new Thread(this::closeQuietly, "lambdascope-emulator-shutdown");
  }

  /** Starts ElasticMQ, the SQS front, the Invoke API and the event sources; environments start on demand. */
  public static Emulator start(EmulatorConfig config) {
    requireNonNull(config, "config");
    // The JDK's HTTP server, which serves the Runtime, Extensions, Telemetry and Invoke APIs, leaves Nagle's
    // algorithm on unless told before its first use in the JVM; with the runtime client's delayed ACKs that
    // stalled the small exchanges of every invocation by 40 ms (50 to 90 ms per warm invocation in all).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    Emulator emulator = new Emulator(config);
    Runtime.getRuntime().addShutdownHook(emulator.shutdownHook);
    try {
      emulator.startParts();
      return emulator;
    } catch (IOException | RuntimeException e) {
      emulator.close();
      throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot start the emulator: " + e, e);
    }
  }

  private void startParts() throws IOException {
    cloudWatch = track(CloudWatch.start(CloudWatchConfig.fromSettings(config.variables()), config.host(), executor));
    sqs = track(new ElasticMq(config.host(), config.sqsPort(), config.region(), cloudWatch.sqs()));
    sqsFront = track(new SqsThrottlingFront(config.host(), java.net.URI.create(sqs.endpoint()),
        config.sqsRateLimit(), executor));
    downstream = track(new Downstream(config.host(), executor));
    Map<String, String> variables = new LinkedHashMap<>(config.variables());
    variables.putIfAbsent("LAMBDASCOPE_EXAMPLES_JAR", "examples/target/lambdascope-examples.jar");
    variables.putIfAbsent("LAMBDASCOPE_AGENT_LAYER", "agent/target/lambdascope-agent-layer.zip");
    variables.put("SQS_ENDPOINT", sqsFront.endpoint());
    variables.put("DOWNSTREAM_URL", downstream.url());
    definitions = FunctionsFile.load(config.functions(), variables);
    for (FunctionDefinition d : definitions) {
      if (!Files.isRegularFile(d.jar())) {
        throw new IllegalArgumentException("function " + d.name() + ": jar not found: " + d.jar());
      }
      for (Path layer : d.layers()) {
        if (!Files.isRegularFile(layer)) {
          throw new IllegalArgumentException("function " + d.name() + ": layer not found: " + layer);
        }
      }
    }
    Path logDir = config.logDir().orElse(Files.createTempDirectory("lambdascope-emulator-logs"));
    Files.createDirectories(logDir);
    Path workDir = Files.createTempDirectory("lambdascope-emulator-task");
    FunctionRuntimes factory = track(new FunctionRuntimes(config, baseEnvironment(), logDir, workDir, executor));
    for (FunctionDefinition d : definitions) {
      FunctionRuntime runtime = track(factory.create(d, cloudWatch.lambda(d.name())));
      runtimes.put(d.name(), runtime);
      asyncInvokers.put(d.name(), track(new AsyncInvoker(runtime, config.asyncRetryDelay(), sqs::send)));
    }
    createQueues();
    Map<String, IntSupplier> executions = new LinkedHashMap<>();
    runtimes.forEach((name, runtime) -> executions.put(name, runtime::concurrentExecutions));
    cloudWatch.sampleConcurrency(scheduler, executions);
    Map<String, String> queues = new LinkedHashMap<>();
    sourceQueues.forEach(q -> queues.put(q.queueName(), q.queueUrl()));
    deadLetterQueues.forEach(q -> queues.put(q.queueName(), q.queueUrl()));
    cloudWatch.sampleQueues(scheduler, sqs.client(), queues);
    for (FunctionDefinition d : definitions) {
      for (FunctionDefinition.Schedule s : d.schedules()) {
        scheduler.scheduleAtFixedRate(() -> fireSchedule(d, s), s.rate().toMillis(), s.rate().toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
    Duration reclaim = config.idleReclaim();
    scheduler.scheduleWithFixedDelay(() -> runtimes.values().forEach(r -> r.reclaimIdle(reclaim)), 1, 1,
        TimeUnit.SECONDS);
    invokeApi = track(new InvokeApiServer(config.host(), config.invokePort(), new InvokeApiServer.Functions() {
      @Override
      public FunctionRuntime runtime(String name) {
        return runtimes.get(name);
      }

      @Override
      public AsyncInvoker async(String name) {
        return asyncInvokers.get(name);
      }
    }, new LambdaControlPlane(definitions, config.region()), executor));
  }

  private Map<String, String> baseEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_SESSION_TOKEN", "test");
    env.put("AWS_ENDPOINT_URL_SQS", sqsFront.endpoint());
    env.put("LAMBDASCOPE_ENDPOINT", config.endpoint().toString());
    env.putAll(config.agentEnvironment());
    return env;
  }

  private void createQueues() {
    for (FunctionDefinition d : definitions) {
      d.async().onFailureQueue().ifPresent(q -> deadLetterQueues.add(
          new DeadLetterQueue(q, sqs.createQueue(q, Map.of()), Optional.empty(), d.name())));
      for (FunctionDefinition.SqsTrigger t : d.sqsTriggers()) {
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(t.visibilityTimeout().toSeconds()));
        Optional<String> dlqUrl = t.deadLetterQueue().map(dlq -> sqs.createQueue(dlq, Map.of()));
        dlqUrl.ifPresent(url -> attributes.put(QueueAttributeName.REDRIVE_POLICY, Json.string(Map.of(
            "deadLetterTargetArn", sqs.queueArn(url), "maxReceiveCount", Integer.toString(t.maxReceiveCount())))));
        String url = sqs.createQueue(t.queue(), attributes);
        sourceQueues.add(new SourceQueue(t.queue(), url, t.deadLetterQueue(), dlqUrl, d.name()));
        dlqUrl.ifPresent(dlq -> deadLetterQueues.add(
            new DeadLetterQueue(t.deadLetterQueue().orElseThrow(), dlq, Optional.of(t.queue()), d.name())));
        track(new SqsEventSource(runtimes.get(d.name()), t, sqs.client(), url, config.region()));
      }
    }
  }

  private void fireSchedule(FunctionDefinition d, FunctionDefinition.Schedule s) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", "Scheduled Event");
    event.put("source", "aws.events");
    event.put("account", "000000000000");
    event.put("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    event.put("region", config.region());
    event.put("resources", List.of("arn:aws:events:" + config.region() + ":000000000000:rule/" + s.name()));
    event.put("detail", Map.of());
    asyncInvokers.get(d.name()).enqueue(UUID.randomUUID().toString(), Json.bytes(event));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** The Invoke API's port. */
  public int invokePort() {
    return invokeApi.port();
  }

  /**
   * The Invoke API's base URL, for a LambdaClient's endpoint override: it also serves the control-plane reads
   * (function configuration, concurrency, event source mappings, account settings) and STS GetCallerIdentity.
   */
  public String invokeEndpoint() {
    return "http://" + config.host() + ":" + invokePort();
  }

  /**
   * The CloudWatch API serving the functions' AWS/Lambda and the queues' AWS/SQS metrics, for Prometheus's
   * CloudWatch exporter ({@code AWS_ENDPOINT_URL_CLOUDWATCH}; docs/cloudwatch.md).
   */
  public String cloudWatchEndpoint() {
    return cloudWatch.endpoint();
  }

  /** The emulator's CloudWatch: what it serves at {@link #cloudWatchEndpoint()}. */
  public CloudWatch cloudWatch() {
    return cloudWatch;
  }

  /** ElasticMQ's endpoint, unthrottled: for the scenario runner and the DLQ watcher. */
  public String sqsEndpoint() {
    return sqs.endpoint();
  }

  /** The throttling SQS endpoint the functions use (AWS_ENDPOINT_URL_SQS of every environment). */
  public String functionSqsEndpoint() {
    return sqsFront.endpoint();
  }

  /** SQS requests of functions refused with a throttling error so far. */
  public long sqsThrottled() {
    return sqsFront.throttled();
  }

  /** The region the emulator reports (ARNs, AWS_REGION). */
  public String region() {
    return config.region();
  }

  /** Queues that trigger functions, with their DLQs: for the processor's DLQ watcher. */
  public List<SourceQueue> sourceQueues() {
    return List.copyOf(sourceQueues);
  }

  /** Every DLQ and on-failure destination, with the queue and function it belongs to: for the DLQ watcher. */
  public List<DeadLetterQueue> deadLetterQueues() {
    return List.copyOf(deadLetterQueues);
  }

  public List<FunctionDefinition> functions() {
    return definitions;
  }

  /** Sets the latency of the stand-in downstream service the examples call (DOWNSTREAM_URL). */
  public void downstreamLatency(Duration latency) {
    downstream.latency(requireNonNull(latency, "latency"));
  }

  /** Running and idle execution environments of a function. */
  public int environments(String function) {
    FunctionRuntime r = runtimes.get(function);
    return r == null ? 0 : r.environments();
  }

  /**
   * Idle environments of a function: each has ended its last invocation (runtime and extensions called
   * {@code next}) and waits, frozen, for the next one.
   */
  public int idleEnvironments(String function) {
    FunctionRuntime r = runtimes.get(function);
    return r == null ? 0 : r.idleEnvironments();
  }

  /** Every living process of the function's execution environments (runtimes, extensions, what they started). */
  public List<ProcessHandle> environmentProcesses(String function) {
    FunctionRuntime r = runtimes.get(function);
    return r == null ? List.of() : r.processes();
  }

  /** Stops everything and kills every environment process (and anything they started). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    // Every function's environments spin down at once, within Lambda's shutdown limits.
    List<java.util.concurrent.CompletableFuture<Void>> spinDowns = new ArrayList<>();
    runtimes.values().forEach(r -> spinDowns.add(r.spinDown()));
    try {
      java.util.concurrent.CompletableFuture.allOf(spinDowns.toArray(java.util.concurrent.CompletableFuture[]::new))
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // whatever is left is killed below
    }
    List<AutoCloseable> reversed = new ArrayList<>(closeables);
    Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("lambdascope emulator: error while closing " + c.getClass().getSimpleName() + ": " + e);
      }
    }
    executor.shutdownNow();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: we are the hook
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("lambdascope emulator: " + e);
    }
  }
}
