package io.lambdascope.emulator;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One function of the functions file: what Lambda's CreateFunction, PutFunctionConcurrency,
 * PutFunctionEventInvokeConfig and CreateEventSourceMapping would say about it.
 *
 * @param layers layer zips, unpacked in this order into the environment's {@code /opt}
 * @param reservedConcurrency the most environments that may run at once; sync calls beyond it get a 429
 * @param provisionedConcurrency provisioned concurrency the control plane reports (0: none); the emulator does not
 *     keep environments initialised for it
 * @param async how asynchronous invocations are retried and where they go when they fail for good
 * @param sqsTriggers SQS queues whose messages invoke the function (event source mappings)
 * @param schedules fixed-rate schedules (EventBridge {@code rate(...)} rules) that invoke it asynchronously
 */
public record FunctionDefinition(
    String name,
    Path jar,
    String handler,
    List<Path> layers,
    int memoryMb,
    Duration timeout,
    int reservedConcurrency,
    int provisionedConcurrency,
    Map<String, String> environment,
    AsyncConfig async,
    List<SqsTrigger> sqsTriggers,
    List<Schedule> schedules) {

  public FunctionDefinition {
    requireNonNull(name, "name");
    requireNonNull(jar, "jar");
    requireNonNull(handler, "handler");
    requireNonNull(timeout, "timeout");
    requireNonNull(async, "async");
    layers = List.copyOf(requireNonNull(layers, "layers"));
    if (layers.size() > 5) {
      throw new IllegalArgumentException(name + ": at most 5 layers, as on Lambda; got " + layers.size());
    }
    if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("function name must be 1-64 letters, digits, '-' or '_': " + name);
    }
    if (memoryMb < 128 || memoryMb > 10240) {
      throw new IllegalArgumentException(name + ": memory must be 128..10240 MB, was " + memoryMb);
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
      throw new IllegalArgumentException(name + ": timeout must be in (0, 15 min], was " + timeout);
    }
    if (reservedConcurrency < 1) {
      throw new IllegalArgumentException(name + ": reservedConcurrency must be >= 1, was " + reservedConcurrency);
    }
    if (provisionedConcurrency < 0 || provisionedConcurrency > reservedConcurrency) {
      throw new IllegalArgumentException(name + ": provisionedConcurrency must be 0.." + reservedConcurrency
          + " (at most the reserved concurrency, as Lambda requires), was " + provisionedConcurrency);
    }
    environment = Map.copyOf(requireNonNull(environment, "environment"));
    sqsTriggers = List.copyOf(requireNonNull(sqsTriggers, "sqsTriggers"));
    schedules = List.copyOf(requireNonNull(schedules, "schedules"));
  }

  /** Asynchronous invocation settings (Lambda's event invoke config). */
  public record AsyncConfig(int maxRetries, Duration maxEventAge, Optional<String> onFailureQueue) {
    public AsyncConfig {
      requireNonNull(maxEventAge, "maxEventAge");
      requireNonNull(onFailureQueue, "onFailureQueue");
      if (maxRetries < 0 || maxRetries > 2) {
        throw new IllegalArgumentException("async maxRetries must be 0..2, was " + maxRetries);
      }
    }

    /** Lambda's defaults: 2 retries, 6 hours, no destination. */
    public static AsyncConfig defaults() {
      return new AsyncConfig(2, Duration.ofHours(6), Optional.empty());
    }
  }

  /**
   * An SQS event source mapping. The queue (and its DLQ) are created in the emulator's ElasticMQ at start.
   *
   * @param deadLetterQueue the queue's redrive target; messages received {@code maxReceiveCount} times go there
   */
  public record SqsTrigger(
      String queue,
      int batchSize,
      Duration visibilityTimeout,
      int maxReceiveCount,
      Optional<String> deadLetterQueue,
      boolean reportBatchItemFailures) {
    public SqsTrigger {
      requireNonNull(queue, "queue");
      requireNonNull(visibilityTimeout, "visibilityTimeout");
      requireNonNull(deadLetterQueue, "deadLetterQueue");
      if (batchSize < 1 || batchSize > 10) {
        throw new IllegalArgumentException(queue + ": batchSize must be 1..10, was " + batchSize);
      }
      if (maxReceiveCount < 1) {
        throw new IllegalArgumentException(queue + ": maxReceiveCount must be >= 1, was " + maxReceiveCount);
      }
      if (visibilityTimeout.toSeconds() < 1) {
        throw new IllegalArgumentException(queue + ": visibilityTimeout must be at least 1s");
      }
    }
  }

  /** A fixed-rate schedule: the function is invoked asynchronously with a scheduled event every {@code rate}. */
  public record Schedule(String name, Duration rate) {
    public Schedule {
      requireNonNull(name, "name");
      requireNonNull(rate, "rate");
      if (rate.toMillis() < 100) {
        throw new IllegalArgumentException(name + ": schedule rate must be at least 100ms");
      }
    }
  }
}
