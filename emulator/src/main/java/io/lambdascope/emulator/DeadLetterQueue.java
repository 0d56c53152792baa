package io.lambdascope.emulator;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A queue where failed work of a function ends: the redrive target of an SQS trigger (then {@code sourceQueue} is
 * that trigger's queue) or the on-failure destination of asynchronous invocations (no source queue).
 */
public record DeadLetterQueue(String queueName, String queueUrl, Optional<String> sourceQueue, String functionName) {
  public DeadLetterQueue {
    requireNonNull(queueName, "queueName");
    requireNonNull(queueUrl, "queueUrl");
    requireNonNull(sourceQueue, "sourceQueue");
    requireNonNull(functionName, "functionName");
  }
}
