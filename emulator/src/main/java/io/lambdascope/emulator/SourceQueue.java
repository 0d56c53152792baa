package io.lambdascope.emulator;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * An SQS queue that triggers a function, with its dead-letter queue: what the processor's DLQ watcher needs.
 *
 * @param queueUrl the queue's URL on the emulator's ElasticMQ
 * @param deadLetterQueueUrl the DLQ's URL, if the queue has a redrive policy
 */
public record SourceQueue(
    String queueName,
    String queueUrl,
    Optional<String> deadLetterQueueName,
    Optional<String> deadLetterQueueUrl,
    String functionName) {
  public SourceQueue {
    requireNonNull(queueName, "queueName");
    requireNonNull(queueUrl, "queueUrl");
    requireNonNull(deadLetterQueueName, "deadLetterQueueName");
    requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
    requireNonNull(functionName, "functionName");
  }
}
