package io.lambdascope.emulator.scenario;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.Emulator;
import io.lambdascope.emulator.SourceQueue;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Drives a {@link Scenario} through the real invoke paths: the AWS SDK v2 {@code LambdaClient} against the Invoke
 * API (sync and async) and the {@code SqsClient} against ElasticMQ. It counts what it sent per function, so a test
 * can compare with what the processor measured. Schedules fire inside the emulator and are not counted here.
 */
public final class ScenarioRunner implements AutoCloseable {

  /** Called about once a second and at each phase change. */
  public interface ProgressListener {
    void onProgress(Progress progress);
  }

  /** Where a run is: for the demo's progress line. */
  public record Progress(String phase, int phaseNumber, int phases, Duration elapsed, Duration total,
      long invocationsSent, long throttled) {}

  /**
   * What was sent to one function.
   *
   * @param syncInvocations RequestResponse calls answered 200 (successes and function errors)
   * @param syncThrottled calls refused with 429 (not invocations: the platform counts them as throttles)
   * @param syncFunctionErrors answered calls with X-Amz-Function-Error (errors and timeouts)
   * @param asyncAccepted Event calls accepted (202): each is invoked once, plus up to 2 retries if it fails
   * @param sqsMessages messages sent to a queue that triggers the function (batched, maybe delivered again)
   * @param failedRequests calls that failed otherwise (connection errors, other status codes)
   * @param unfinishedRequests calls still waiting for their answer when the counts were taken (the drain after the
   *     last phase ran out): like a failed call, each may or may not have run the function
   */
  public record FunctionTraffic(String function, long syncInvocations, long syncThrottled, long syncFunctionErrors,
      long asyncAccepted, long sqsMessages, long failedRequests, long unfinishedRequests) {}

  /** What a run sent, by function; {@code completed} is false when it was stopped early. */
  public record Result(Map<String, FunctionTraffic> byFunction, Duration elapsed, boolean completed) {
    public FunctionTraffic function(String name) {
      return byFunction.getOrDefault(name, new FunctionTraffic(name, 0, 0, 0, 0, 0, 0, 0));
    }
  }

  private final LambdaClient lambda;
  private final SqsClient sqs;
  private final String region;
  private final Consumer<Duration> downstreamLatency;
  private final Map<String, String> queueConsumers;
  private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
  private final Map<String, Counters> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();
  private final ExecutorService requests = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "lambdascope-scenario-request");
    t.setDaemon(true);
    return t;
  });

  private ScenarioRunner(Builder b) {
    AwsBasicCredentials credentials = AwsBasicCredentials.create("test", "test");
    this.region = b.region;
    this.lambda = LambdaClient.builder()
        .endpointOverride(b.invokeEndpoint)
        .region(Region.of(b.region))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(16)).build())
        // A throttle must stay one refused call: no SDK retries.
        .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
        .build();
    this.sqs = SqsClient.builder()
        .endpointOverride(b.sqsEndpoint)
        .region(Region.of(b.region))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    this.downstreamLatency = b.downstreamLatency;
    this.queueConsumers = Map.copyOf(b.queueConsumers);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A runner wired to a running emulator: its Invoke API, its ElasticMQ, its downstream and its queues. */
  public static ScenarioRunner forEmulator(Emulator emulator) {
    requireNonNull(emulator, "emulator");
    Map<String, String> consumers = new LinkedHashMap<>();
    for (SourceQueue q : emulator.sourceQueues()) {
      consumers.put(q.queueName(), q.functionName());
    }
    return builder()
        .invokeEndpoint(URI.create(emulator.invokeEndpoint()))
        .sqsEndpoint(URI.create(emulator.sqsEndpoint()))
        .region(emulator.region())
        .downstreamLatency(emulator::downstreamLatency)
        .queueConsumers(consumers)
        .build();
  }

  /**
   * Runs the scenario to its end (or until the calling thread is interrupted), then waits up to 20 s for requests
   * still in flight so the counts are final.
   */
  public Result run(Scenario scenario, ProgressListener listener) {
    requireNonNull(scenario, "scenario");
    requireNonNull(listener, "listener");
    for (Scenario.Phase phase : scenario.phases()) {
      phase.traffic().forEach(t -> Payloads.check(t.payload()));
    }
    long start = System.nanoTime();
    Duration total = scenario.totalDuration();
    boolean completed = true;
    Map<Semaphore, Integer> inFlight = new LinkedHashMap<>();
    ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "lambdascope-scenario-ticker");
      t.setDaemon(true);
      return t;
    });
    try {
      int number = 0;
      for (Scenario.Phase phase : scenario.phases()) {
        number++;
        phase.downstreamLatency().ifPresent(downstreamLatency);
        List<ScheduledFuture<?>> streams = new ArrayList<>();
        for (Scenario.Traffic traffic : phase.traffic()) {
          Semaphore permits = new Semaphore(traffic.concurrency());
          inFlight.put(permits, traffic.concurrency());
          long periodMicros = Math.max(1, Math.round(1_000_000 / traffic.ratePerSecond()));
          streams.add(ticker.scheduleAtFixedRate(() -> fire(traffic, permits), 0, periodMicros,
              TimeUnit.MICROSECONDS));
        }
        long phaseEnd = System.nanoTime() + phase.duration().toNanos();
        try {
          while (System.nanoTime() < phaseEnd) {
            listener.onProgress(progress(phase.name(), number, scenario.phases().size(), start, total));
            Thread.sleep(Math.max(1, Math.min(1000, (phaseEnd - System.nanoTime()) / 1_000_000)));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          completed = false;
        } finally {
          streams.forEach(s -> s.cancel(false));
        }
        if (!completed) {
          break;
        }
      }
      long drainDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (Map.Entry<Semaphore, Integer> stream : inFlight.entrySet()) {
        // Every permit back means no request of the stream is still running.
        while (completed && stream.getKey().availablePermits() < stream.getValue()
            && System.nanoTime() < drainDeadline) {
          Thread.sleep(50);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      completed = false;
    } finally {
      ticker.shutdownNow();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    listener.onProgress(new Progress("done", scenario.phases().size(), scenario.phases().size(), elapsed, total,
        sent(), throttled()));
    Map<String, FunctionTraffic> byFunction = new LinkedHashMap<>();
    counters.forEach((function, c) -> byFunction.put(function, c.snapshot(function)));
    return new Result(byFunction, elapsed, completed);
  }

  private Progress progress(String phase, int number, int phases, long start, Duration total) {
    return new Progress(phase, number, phases, Duration.ofNanos(System.nanoTime() - start), total, sent(),
        throttled());
  }

  private long sent() {
    long n = 0;
    for (Counters c : counters.values()) {
      n += c.syncInvocations.get() + c.syncThrottled.get() + c.asyncAccepted.get() + c.sqsMessages.get();
    }
    return n;
  }

  private long throttled() {
    long n = 0;
    for (Counters c : counters.values()) {
      n += c.syncThrottled.get();
    }
    return n;
  }

  private void fire(Scenario.Traffic traffic, Semaphore permits) {
    if (!permits.tryAcquire()) {
      return; // the stream is at its concurrency: skip this beat, as a client with a bounded pool would
    }
    try {
      requests.execute(() -> {
        try {
          send(traffic);
        } finally {
          permits.release();
        }
      });
    } catch (RuntimeException e) {
      permits.release();
    }
  }

  private void send(Scenario.Traffic traffic) {
    long sequence = sequences.computeIfAbsent(traffic.payload(), p -> new AtomicLong()).getAndIncrement();
    String payload = Payloads.generate(traffic.payload(), sequence, region);
    String function = traffic.via() == Scenario.Via.SQS
        ? queueConsumers.getOrDefault(traffic.target(), "queue:" + traffic.target())
        : traffic.target();
    Counters c = counters.computeIfAbsent(function, f -> new Counters());
    c.inFlight.incrementAndGet();
    try {
      switch (traffic.via()) {
        case SYNC -> {
          InvokeResponse response = lambda.invoke(b -> b.functionName(traffic.target())
              .payload(SdkBytes.fromUtf8String(payload)));
          c.syncInvocations.incrementAndGet();
          if (response.functionError() != null) {
            c.syncFunctionErrors.incrementAndGet();
          }
        }
        case ASYNC -> {
          lambda.invoke(b -> b.functionName(traffic.target()).invocationType(InvocationType.EVENT)
              .payload(SdkBytes.fromUtf8String(payload)));
          c.asyncAccepted.incrementAndGet();
        }
        case SQS -> {
          String url = queueUrls.computeIfAbsent(traffic.target(),
              q -> sqs.getQueueUrl(b -> b.queueName(q)).queueUrl());
          sqs.sendMessage(b -> b.queueUrl(url).messageBody(payload));
          c.sqsMessages.incrementAndGet();
        }
        default -> throw new IllegalStateException(traffic.via().toString());
      }
    } catch (TooManyRequestsException e) {
      c.syncThrottled.incrementAndGet();
    } catch (RuntimeException e) {
      c.failedRequests.incrementAndGet();
    } finally {
      c.inFlight.decrementAndGet();
    }
  }

  @Override
  public void close() {
    requests.shutdownNow();
    lambda.close();
    sqs.close();
  }

  private static final class Counters {
    final AtomicLong syncInvocations = new AtomicLong();
    final AtomicLong syncThrottled = new AtomicLong();
    final AtomicLong syncFunctionErrors = new AtomicLong();
    final AtomicLong asyncAccepted = new AtomicLong();
    final AtomicLong sqsMessages = new AtomicLong();
    final AtomicLong failedRequests = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();

    FunctionTraffic snapshot(String function) {
      return new FunctionTraffic(function, syncInvocations.get(), syncThrottled.get(), syncFunctionErrors.get(),
          asyncAccepted.get(), sqsMessages.get(), failedRequests.get(), inFlight.get());
    }
  }

  /** Builder: endpoints are required; the region defaults to us-east-1. */
  public static final class Builder {
    private URI invokeEndpoint;
    private URI sqsEndpoint;
    private String region = "us-east-1";
    private Consumer<Duration> downstreamLatency = d -> { };
    private Map<String, String> queueConsumers = Map.of();

    private Builder() {}

    public Builder invokeEndpoint(URI invokeEndpoint) {
      this.invokeEndpoint = requireNonNull(invokeEndpoint, "invokeEndpoint");
      return this;
    }

    public Builder sqsEndpoint(URI sqsEndpoint) {
      this.sqsEndpoint = requireNonNull(sqsEndpoint, "sqsEndpoint");
      return this;
    }

    public Builder region(String region) {
      this.region = requireNonNull(region, "region");
      return this;
    }

    /** Called with a phase's {@code downstreamLatency} as the phase starts. */
    public Builder downstreamLatency(Consumer<Duration> downstreamLatency) {
      this.downstreamLatency = requireNonNull(downstreamLatency, "downstreamLatency");
      return this;
    }

    /** Queue name to the function it triggers, to count SQS traffic per function. */
    public Builder queueConsumers(Map<String, String> queueConsumers) {
      this.queueConsumers = requireNonNull(queueConsumers, "queueConsumers");
      return this;
    }

    public ScenarioRunner build() {
      requireNonNull(invokeEndpoint, "invokeEndpoint");
      requireNonNull(sqsEndpoint, "sqsEndpoint");
      return new ScenarioRunner(this);
    }
  }
}
