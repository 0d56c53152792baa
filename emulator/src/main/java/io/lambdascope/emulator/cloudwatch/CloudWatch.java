package io.lambdascope.emulator.cloudwatch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The emulator's CloudWatch: the metric store, the API that serves it, and what publishes into it (the functions'
 * {@link LambdaMetrics}, {@link SqsMetrics}, and the samplers of concurrency and queue depth).
 */
public final class CloudWatch implements AutoCloseable {
  /** How often each function's executions in progress are sampled: short bursts count in the period's Maximum. */
  private static final long CONCURRENCY_SAMPLE_MS = 100;

  private final MetricStore store;
  private final Clock clock;
  private final CloudWatchApiServer api;
  private final SqsMetrics sqs;

  private CloudWatch(MetricStore store, Clock clock, CloudWatchApiServer api) {
    this.store = store;
    this.clock = clock;
    this.api = api;
    this.sqs = new SqsMetrics(store, clock);
  }

  /** Starts the API on {@code host} and the configured port. */
  public static CloudWatch start(CloudWatchConfig config, String host, ExecutorService executor) throws IOException {
    requireNonNull(config, "config");
    Clock clock = Clock.systemUTC();
    MetricStore store = new MetricStore(config.resolution(), CloudWatchConfig.RETENTION);
    return new CloudWatch(store, clock, new CloudWatchApiServer(host, config.port(), store, clock, executor));
  }

  /** The API's base URL ({@code AWS_ENDPOINT_URL_CLOUDWATCH} for a client). */
  public String endpoint() {
    return api.endpoint();
  }

  public MetricStore store() {
    return store;
  }

  /** The sum of a function's {@code AWS/Lambda} metric over everything kept (the last 3 hours). */
  public double lambdaTotal(String function, String metric) {
    long now = clock.millis();
    return store.statistics(new MetricStore.MetricId(LambdaMetrics.NAMESPACE, metric,
            List.of(new MetricStore.Dimension("FunctionName", function))), now - CloudWatchConfig.RETENTION.toMillis(),
        now + 1, CloudWatchConfig.RETENTION.toMillis() + store.resolution().toMillis())
        .stream().mapToDouble(MetricStore.Datapoint::sum).sum();
  }

  /** What Lambda publishes for {@code function}. */
  public LambdaMetrics lambda(String function) {
    return new LambdaMetrics(store, clock, function);
  }

  /** What SQS publishes, fed by ElasticMQ's queue events and {@link #sampleQueues}. */
  public SqsMetrics sqs() {
    return sqs;
  }

  /**
   * Samples each function's executions in progress: while there are some, and once more when they drop to none,
   * as Lambda publishes ConcurrentExecutions for functions that run.
   */
  public void sampleConcurrency(ScheduledExecutorService scheduler, Map<String, IntSupplier> executions) {
    Map<String, LambdaMetrics> metrics = new HashMap<>();
    executions.keySet().forEach(f -> metrics.put(f, lambda(f)));
    Map<String, Integer> previous = new HashMap<>();
    scheduler.scheduleAtFixedRate(() -> executions.forEach((function, supplier) -> {
      int now = supplier.getAsInt();
      if (now > 0 || previous.getOrDefault(function, 0) > 0) {
        metrics.get(function).concurrentExecutions(now);
      }
      previous.put(function, now);
    }), CONCURRENCY_SAMPLE_MS, CONCURRENCY_SAMPLE_MS, TimeUnit.MILLISECONDS);
  }

  /** Samples the queues' approximate counts once per resolution (SQS publishes them every minute). */
  public void sampleQueues(ScheduledExecutorService scheduler, SqsClient client, Map<String, String> urlsByName) {
    long every = store.resolution().toMillis();
    Map<String, String> queues = Map.copyOf(urlsByName);
    scheduler.scheduleAtFixedRate(() -> queues.forEach((name, url) -> {
      try {
        Map<QueueAttributeName, String> a = client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        sqs.sample(name, count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
            count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
            count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
      } catch (RuntimeException e) {
        // ElasticMQ stopping: no sample this time
      }
    }), every, every, TimeUnit.MILLISECONDS);
  }

  private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
    return Long.parseLong(attributes.getOrDefault(name, "0"));
  }

  @Override
  public void close() {
    api.close();
  }
}
