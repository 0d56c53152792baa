package io.lambdascope.kafka.durability;

import static java.util.Objects.requireNonNull;

/**
 * What the cluster says of one topic, or will say once it is created.
 *
 * @param topic the topic's name
 * @param role what the topic is to the service, said after its name (for example {@code input}); null says nothing
 * @param replicationFactor the fewest replicas of any of its partitions
 * @param minInsyncReplicas its {@code min.insync.replicas}
 * @param exists false when the topic is still to be created, with the values it will be created with
 */
public record TopicReplication(String topic, String role, int replicationFactor, int minInsyncReplicas,
    boolean exists) {
  public TopicReplication {
    requireNonNull(topic, "topic");
  }

  /** An existing topic, with no role said. */
  public TopicReplication(String topic, int replicationFactor, int minInsyncReplicas) {
    this(topic, null, replicationFactor, minInsyncReplicas, true);
  }

  /** The name as the findings say it: with its role, and whether it is still to be created. */
  String label() {
    if (role == null && exists) {
      return topic;
    }
    String notes = role == null ? "to be created" : exists ? role : role + ", to be created";
    return topic + " (" + notes + ")";
  }
}
