package io.lambdascope.emulator.cloudwatch;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.cloudwatch.MetricStore.Dimension;
import io.lambdascope.emulator.cloudwatch.MetricStore.MetricId;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What SQS publishes in the {@code AWS/SQS} namespace, dimension {@code QueueName}, from ElasticMQ: its queue
 * events (a message added or removed) give NumberOfMessagesSent as they happen and the age of each queue's
 * oldest message; the queues' attributes, sampled, give the approximate counts.
 */
public final class SqsMetrics {
  public static final String NAMESPACE = "AWS/SQS";

  private final MetricStore store;
  private final Clock clock;
  /** Per queue, the messages in it: id to the time it was sent (epoch milliseconds). */
  private final Map<String, Map<String, Long>> messages = new ConcurrentHashMap<>();

  public SqsMetrics(MetricStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  private void publish(String queue, String name, double value, String unit) {
    store.publish(new MetricId(NAMESPACE, name, List.of(new Dimension("QueueName", queue))), value, unit,
        clock.millis());
  }

  /**
   * A message entered a queue. One moved there by a redrive policy (from a source queue to its dead-letter
   * queue) is not a sent message: SQS counts it in the queue's depth, not in NumberOfMessagesSent.
   */
  public void messageAdded(String queue, String messageId, long sentAtMs, boolean redriven) {
    messages.computeIfAbsent(queue, q -> new ConcurrentHashMap<>()).put(messageId, sentAtMs);
    if (!redriven) {
      publish(queue, "NumberOfMessagesSent", 1, "Count");
    }
  }

  /** A message left a queue: deleted, expired, or moved to a dead-letter queue. */
  public void messageRemoved(String queue, String messageId) {
    Map<String, Long> inQueue = messages.get(queue);
    if (inQueue != null) {
      inQueue.remove(messageId);
    }
  }

  /** One sample of a queue's attributes, with the age of its oldest message at this moment. */
  public void sample(String queue, long visible, long notVisible, long delayed) {
    publish(queue, "ApproximateNumberOfMessagesVisible", visible, "Count");
    publish(queue, "ApproximateNumberOfMessagesNotVisible", notVisible, "Count");
    publish(queue, "ApproximateNumberOfMessagesDelayed", delayed, "Count");
    long now = clock.millis();
    long oldest = messages.getOrDefault(queue, Map.of()).values().stream().mapToLong(Long::longValue).min().orElse(now);
    publish(queue, "ApproximateAgeOfOldestMessage", Math.max(0, (now - oldest) / 1000), "Seconds");
  }
}
