package io.lambdascope.collector.exporter.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The settings of the collector's Kafka clients: the user's, our defaults, and what cannot be turned off. */
final class KafkaClientProperties {
  private static final Logger log = LoggerFactory.getLogger(KafkaClientProperties.class);
  /** What the collector guarantees; a properties file cannot turn it off. */
  private static final Map<String, String> FORCED = Map.of(
      ProducerConfig.ACKS_CONFIG, "all",
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
      ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

  private KafkaClientProperties() {}

  static Map<String, Object> admin(String bootstrap, Map<String, String> client) {
    Map<String, Object> p = new HashMap<>(client);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "lambdascope-collector-admin");
    p.keySet().retainAll(AdminClientConfig.configNames());
    return p;
  }

  /**
   * Producer settings: the user's properties, our throughput defaults where the user said
   * nothing, timeouts derived from the Kafka wait bound, and the forced durability settings.
   */
  static Map<String, Object> producer(
      String bootstrap, Map<String, String> client, Duration kafkaTimeout, long maxInflightBytes, int maxRequestSize) {
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "lambdascope-collector");
    p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(Math.min(262144, maxRequestSize)));
    long timeoutMs = kafkaTimeout.toMillis();
    long requestTimeout = Math.max(1000, Math.min(30000, timeoutMs / 2));
    p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout));
    long linger = Long.parseLong(p.get(ProducerConfig.LINGER_MS_CONFIG).toString());
    long reqTimeout = Long.parseLong(p.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).toString());
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(timeoutMs, linger + reqTimeout)));
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs));
    // Admission keeps what is buffered under maxInflightBytes, so send() never waits for buffer space.
    p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, maxInflightBytes + (16L << 20))));
    p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestSize));
    for (Map.Entry<String, String> e : FORCED.entrySet()) {
      Object given = p.put(e.getKey(), e.getValue());
      if (given != null && !given.toString().equals(e.getValue())) {
        log.warn("kafka setting {}={} ignored: the collector always uses {}", e.getKey(), given, e.getValue());
      }
    }
    p.keySet().retainAll(ProducerConfig.configNames());
    return p;
  }
}
