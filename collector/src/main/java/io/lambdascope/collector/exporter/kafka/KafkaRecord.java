package io.lambdascope.collector.exporter.kafka;

/**
 * One Kafka record: an Export*ServiceRequest holding exactly one resource entry.
 *
 * @param key {@code <tenant>/<cloud.account.id>/<cloud.region>/<function name>} as UTF-8 (see {@code ResourceStamp.key})
 * @param value the serialized request
 * @param items spans, log records or data points inside
 */
public record KafkaRecord(byte[] key, byte[] value, long items) {}
