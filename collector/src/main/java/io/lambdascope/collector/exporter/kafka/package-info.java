/** The Kafka exporter: topics, producer settings, one record per resource keyed by function, done only when acknowledged. */
package io.lambdascope.collector.exporter.kafka;
