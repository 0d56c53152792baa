package io.lambdascope.collector.exporter.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Security settings pass through to the clients; durability settings cannot be turned off. */
class KafkaClientPropertiesTest {
  private static final Map<String, String> USER = Map.of(
      "security.protocol", "SASL_SSL",
      "sasl.mechanism", "SCRAM-SHA-512",
      "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
      "ssl.truststore.location", "/etc/truststore.p12",
      "acks", "1",
      "enable.idempotence", "false",
      "linger.ms", "50",
      "not.a.kafka.setting", "x");

  @Test
  void producerGetsSecurityAndUserTuningButAlwaysAcksAllAndIdempotence() {
    Map<String, Object> p = KafkaClientProperties.producer("k:9093", USER, Duration.ofSeconds(10), 64 << 20, 1 << 20);
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
    assertEquals("/etc/truststore.p12", p.get("ssl.truststore.location"));
    assertEquals("all", p.get("acks"));
    assertEquals("true", p.get("enable.idempotence"));
    assertEquals("50", p.get("linger.ms"));
    assertEquals("lz4", p.get("compression.type"));
    assertEquals("10000", p.get("delivery.timeout.ms"));
    assertEquals("5000", p.get("request.timeout.ms"));
    assertEquals(Long.toString((64L << 20) + (16L << 20)), p.get("buffer.memory"));
    assertEquals("k:9093", p.get("bootstrap.servers"));
    assertFalse(p.containsKey("not.a.kafka.setting"));
  }

  @Test
  void deliveryTimeoutIsNeverBelowLingerPlusRequestTimeout() {
    Map<String, Object> p = KafkaClientProperties.producer("k:1", Map.of("linger.ms", "3000"), Duration.ofSeconds(2), 1 << 20, 1 << 20);
    long delivery = Long.parseLong((String) p.get("delivery.timeout.ms"));
    long linger = Long.parseLong((String) p.get("linger.ms"));
    long request = Long.parseLong((String) p.get("request.timeout.ms"));
    assertTrue(delivery >= linger + request, p.toString());
  }

  @Test
  void adminGetsSecurityButNoProducerSettings() {
    Map<String, Object> a = KafkaClientProperties.admin("k:9093", USER);
    assertEquals("SASL_SSL", a.get("security.protocol"));
    assertTrue(a.containsKey("sasl.jaas.config"));
    assertFalse(a.containsKey("acks"));
    assertFalse(a.containsKey("linger.ms"));
  }
}
