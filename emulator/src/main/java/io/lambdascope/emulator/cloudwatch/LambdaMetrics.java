package io.lambdascope.emulator.cloudwatch;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.cloudwatch.MetricStore.Dimension;
import io.lambdascope.emulator.cloudwatch.MetricStore.MetricId;
import java.time.Clock;
import java.util.List;

/**
 * What Lambda publishes in the {@code AWS/Lambda} namespace for one function, dimension {@code FunctionName}
 * (docs/cloudwatch.md lists the metrics and when each is published). The emulator's parts call it where Lambda
 * would count: a request refused at the concurrency limit, an invocation's end, an event entering, waiting in or
 * leaving the asynchronous queue.
 */
public final class LambdaMetrics {
  public static final String NAMESPACE = "AWS/Lambda";

  private final MetricStore store;
  private final Clock clock;
  private final List<Dimension> dimensions;

  public LambdaMetrics(MetricStore store, Clock clock, String function) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.dimensions = List.of(new Dimension("FunctionName", requireNonNull(function, "function")));
  }

  private void publish(String name, double value, String unit) {
    store.publish(new MetricId(NAMESPACE, name, dimensions), value, unit, clock.millis());
  }

  /**
   * An invocation request refused for want of concurrency (a synchronous 429, or an asynchronous or event source
   * attempt that found no free slot): it counts in Throttles and in neither Invocations nor Errors.
   */
  public void throttled() {
    publish("Throttles", 1, "Count");
  }

  /**
   * An invocation that ran (the function's code was invoked, whatever its outcome): Invocations, Errors and
   * Throttles as binary indicators of the outcome, and its Duration.
   */
  public void invoked(double durationMs, boolean error) {
    publish("Invocations", 1, "Count");
    publish("Errors", error ? 1 : 0, "Count");
    publish("Throttles", 0, "Count");
    publish("Duration", durationMs, "Milliseconds");
  }

  /** An event accepted into the asynchronous queue. */
  public void asyncEventReceived() {
    publish("AsyncEventsReceived", 1, "Count");
  }

  /** An asynchronous event handed to the function: how long since it was queued (retries included). */
  public void asyncEventAge(long ageMs) {
    publish("AsyncEventAge", Math.max(0, ageMs), "Milliseconds");
  }

  /** An asynchronous event dropped without a successful invocation (event age or retries exhausted). */
  public void asyncEventDropped() {
    publish("AsyncEventsDropped", 1, "Count");
  }

  /** The function's executions in progress at this moment (sampled: the Maximum of a period is its peak). */
  public void concurrentExecutions(int executions) {
    publish("ConcurrentExecutions", executions, "Count");
  }
}
