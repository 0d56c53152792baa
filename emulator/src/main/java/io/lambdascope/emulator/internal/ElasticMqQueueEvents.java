package io.lambdascope.emulator.internal;

import io.lambdascope.emulator.cloudwatch.SqsMetrics;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;
import org.elasticmq.actor.queue.InternalMessage;
import org.elasticmq.actor.queue.OperationSuccessful$;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.actor.queue.QueueEventWithOperationStatus;

/**
 * ElasticMQ's queue event listener (the hook its persistence uses): every message added to or removed from a
 * queue, handed to {@link SqsMetrics}. ElasticMQ waits for an answer to each event before it answers the SQS
 * request, so this answers at once and does nothing slow.
 */
final class ElasticMqQueueEvents extends AbstractActor {
  private final SqsMetrics metrics;

  ElasticMqQueueEvents(SqsMetrics metrics) {
    this.metrics = metrics;
  }

  static Props props(SqsMetrics metrics) {
    return Props.create(ElasticMqQueueEvents.class, () -> new ElasticMqQueueEvents(metrics));
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder().matchAny(this::onEvent).build();
  }

  private void onEvent(Object event) {
    try {
      if (event instanceof QueueEvent.MessageAdded added) {
        InternalMessage m = added.message();
        metrics.messageAdded(added.queueName(), m.id(), m.created().toInstant().toEpochMilli(),
            m.deadLetterSourceQueueName().isDefined());
      } else if (event instanceof QueueEvent.MessageRemoved removed) {
        metrics.messageRemoved(removed.queueName(), removed.messageId());
      }
    } finally {
      if (event instanceof QueueEventWithOperationStatus) {
        getSender().tell(OperationSuccessful$.MODULE$, getSelf());
      }
    }
  }
}
