package io.lambdascope.collector.exporter.kafka;

/**
 * One Kafka record: an Export*ServiceRequest holding exactly one resource entry.
 *
 * @param key the resource's {@code faas.name} (else {@code service.name}) as UTF-8, or null
 * @param value the serialized request
 * @param items spans, log records or data points inside
 */
public record KafkaRecord(byte[] key, byte[] value, long items) {}
