package io.lambdascope.collector.exporter.kafka;

import java.util.List;

/**
 * A decoded request cut into Kafka records.
 *
 * @param records one per resource entry (more when an entry is larger than a Kafka message)
 * @param receivedItems items in the request
 * @param rejectedItems items left out (invalid, or alone larger than a Kafka message)
 * @param rejectionMessage why, for partial_success; empty when nothing was rejected
 */
public record SplitResult(List<KafkaRecord> records, long receivedItems, long rejectedItems, String rejectionMessage) {
  public long acceptedItems() {
    return receivedItems - rejectedItems;
  }
}
