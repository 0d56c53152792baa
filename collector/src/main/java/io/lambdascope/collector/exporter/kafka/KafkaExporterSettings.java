package io.lambdascope.collector.exporter.kafka;

import static java.util.Objects.requireNonNull;

import io.lambdascope.collector.signal.Signal;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the Kafka exporter is told.
 *
 * @param bootstrapServers the cluster
 * @param clientProperties the user's client properties (TLS, SASL, tuning), applied to the admin client and the producer
 * @param topics the topic of each signal
 * @param partitions partitions of the topics it creates
 * @param replicationFactor replication factor of the topics it creates, -1 for the broker's default
 * @param startTimeout how long start waits for Kafka
 * @param ackTimeout how long a request waits for Kafka's acknowledgement
 * @param maxInflightBytes the admission budget, which sizes the producer's buffer
 */
public record KafkaExporterSettings(String bootstrapServers, Map<String, String> clientProperties,
    Map<Signal, String> topics, int partitions, short replicationFactor, Duration startTimeout, Duration ackTimeout,
    long maxInflightBytes) {
  public KafkaExporterSettings {
    requireNonNull(bootstrapServers, "bootstrapServers");
    clientProperties = Map.copyOf(requireNonNull(clientProperties, "clientProperties"));
    topics = new EnumMap<>(requireNonNull(topics, "topics"));
    for (Signal s : Signal.values()) {
      requireNonNull(topics.get(s), "topic of " + s);
    }
    requireNonNull(startTimeout, "startTimeout");
    requireNonNull(ackTimeout, "ackTimeout");
  }
}
