package io.lambdascope.processor.dlq;

import static java.util.Objects.requireNonNull;

import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * Whether this replica runs the active task of one input partition. Kafka Streams gives each
 * partition's active task to exactly one replica of the application and moves it when that replica
 * leaves or fails, so "the replica running partition 0" names one replica of the cluster at a time
 * without an election of our own: that replica polls the dead-letter queues.
 */
public final class TaskOwnership implements BooleanSupplier {
  private final KafkaStreams streams;
  private final TopicPartition partition;

  public TaskOwnership(KafkaStreams streams, TopicPartition partition) {
    this.streams = requireNonNull(streams, "streams");
    this.partition = requireNonNull(partition, "partition");
  }

  @Override
  public boolean getAsBoolean() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      return false;
    }
    try {
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        for (TaskMetadata task : thread.activeTasks()) {
          if (task.topicPartitions().contains(partition)) {
            return true;
          }
        }
      }
    } catch (IllegalStateException notRunning) {
      return false;
    }
    return false;
  }

  @Override
  public String toString() {
    return "it runs the task of " + partition.topic() + " partition " + partition.partition();
  }
}
