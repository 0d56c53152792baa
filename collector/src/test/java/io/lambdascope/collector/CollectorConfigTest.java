package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings by environment-variable name, defaults, safety checks and masking. */
class CollectorConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaults() {
    CollectorConfig c = CollectorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
    assertEquals("k:9092", c.kafkaBootstrapServers());
    assertEquals("otlp_spans", c.topicSpans());
    assertEquals("otlp_metrics", c.topicMetrics());
    assertEquals("otlp_logs", c.topicLogs());
    assertEquals(3, c.topicPartitions());
    assertEquals("127.0.0.1", c.host());
    assertEquals(4318, c.port());
    assertTrue(c.tenantsByToken().isEmpty());
    assertFalse(c.unauthenticatedOnNetwork());
    assertEquals(Duration.ofSeconds(10), c.kafkaTimeout());
  }

  @Test
  void everySettingIsRead() throws Exception {
    Path props = dir.resolve("kafka.properties");
    Files.writeString(props, "security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.plain."
        + "PlainLoginModule required username=\"u\" password=\"hunter2\";\nssl.truststore.password=trustme\n");
    CollectorConfig c = CollectorConfig.fromSettings(Map.ofEntries(
        Map.entry("KAFKA_BOOTSTRAP_SERVERS", "a:1,b:2"),
        Map.entry("LAMBDASCOPE_KAFKA_CONFIG", props.toString()),
        Map.entry("LAMBDASCOPE_TOPIC_SPANS", "s"), Map.entry("LAMBDASCOPE_TOPIC_METRICS", "m"),
        Map.entry("LAMBDASCOPE_TOPIC_LOGS", "l"), Map.entry("LAMBDASCOPE_TOPIC_PARTITIONS", "12"),
        Map.entry("LAMBDASCOPE_OTLP_HOST", "0.0.0.0"), Map.entry("LAMBDASCOPE_OTLP_PORT", "0"),
        Map.entry("LAMBDASCOPE_AUTH_TOKENS", "t0ken-1=acme, t0ken-2=globex"),
        Map.entry("LAMBDASCOPE_MAX_REQUEST_BYTES", "1000000"), Map.entry("LAMBDASCOPE_MAX_DECOMPRESSED_BYTES", "2MiB"),
        Map.entry("LAMBDASCOPE_MAX_INFLIGHT_BYTES", "9MiB"), Map.entry("LAMBDASCOPE_MAX_INFLIGHT_REQUESTS", "7"),
        Map.entry("LAMBDASCOPE_MAX_DECODED_MESSAGES", "5000"), Map.entry("LAMBDASCOPE_KAFKA_TIMEOUT", "2500ms"),
        Map.entry("LAMBDASCOPE_KAFKA_START_TIMEOUT", "1m"),
        Map.entry("LAMBDASCOPE_SHUTDOWN_TIMEOUT", "4s"), Map.entry("LAMBDASCOPE_DECODE_THREADS", "3"),
        Map.entry("LAMBDASCOPE_OTLP_UNUSED", " ")));
    assertEquals("s", c.topicSpans());
    assertEquals(12, c.topicPartitions());
    assertEquals(Map.of("t0ken-1", "acme", "t0ken-2", "globex"), c.tenantsByToken());
    assertEquals(7, c.maxInflightRequests());
    assertEquals(Duration.ofMillis(2500), c.kafkaTimeout());
    assertEquals(Duration.ofMinutes(1), c.kafkaStartTimeout());
    assertEquals(Duration.ofSeconds(4), c.shutdownTimeout());
    assertEquals(1_000_000, c.maxRequestBytes());
    assertEquals(2L << 20, c.maxDecompressedBytes());
    assertEquals(9L << 20, c.maxInflightBytes());
    assertEquals(5000, c.maxDecodedMessages());
    assertEquals(3, c.decodeThreads());
    assertEquals("SASL_SSL", c.kafkaClientProperties().get("security.protocol"));
    String line = c.describe();
    assertTrue(line.contains("tenants=acme,globex"), line);
    assertTrue(line.contains("kafka=a:1,b:2"), line);
    for (String secret : new String[] {"t0ken-1", "t0ken-2", "hunter2", "trustme"}) {
      assertFalse(line.contains(secret), "secret in " + line);
    }
  }

  @Test
  void builderKafkaPropertiesAreMaskedInTheStartLine() {
    String line = CollectorConfig.builder("k:1").kafkaProperty("sasl.jaas.config", "password=\"hunter2\"")
        .kafkaProperty("linger.ms", "7").build().describe();
    assertTrue(line.contains("sasl.jaas.config=****") && line.contains("linger.ms=7"), line);
    assertFalse(line.contains("hunter2"), line);
  }

  @Test
  void listeningBeyondLoopbackWithoutTokensIsRefusedUnlessAllowed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CollectorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_OTLP_HOST", "0.0.0.0")));
    assertTrue(e.getMessage().contains("LAMBDASCOPE_ALLOW_UNAUTHENTICATED"), e.getMessage());
    CollectorConfig allowed = CollectorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
        "LAMBDASCOPE_OTLP_HOST", "0.0.0.0", "LAMBDASCOPE_ALLOW_UNAUTHENTICATED", "true"));
    assertTrue(allowed.unauthenticatedOnNetwork());
    assertTrue(allowed.describe().contains("UNAUTHENTICATED"), allowed.describe());
    CollectorConfig loopback = CollectorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
        "LAMBDASCOPE_OTLP_HOST", "localhost"));
    assertFalse(loopback.unauthenticatedOnNetwork());
  }

  @Test
  void badValuesNameTheSetting() {
    for (Map<String, String> bad : new Map[] {
        Map.of(),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_OTLP_PORT", "http"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_OTLP_PORT", "70000"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_AUTH_TOKENS", "no-tenant"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_TOPIC_SPANS", "bad topic"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_TLS_CERT", "/x.pem"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_ALLOW_UNAUTHENTICATED", "maybe"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_KAFKA_CONFIG", "/does/not/exist"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_MAX_INFLIGHT_BYTES", "5000"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_MAX_REQUEST_BYTES", "4MB"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_KAFKA_TIMEOUT", "10000"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_SHUTDOWN_TIMEOUT", "0s"),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k")}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollectorConfig.fromSettings(bad),
          bad.toString());
      assertTrue(e.getMessage().contains("LAMBDASCOPE_") || e.getMessage().contains("KAFKA_BOOTSTRAP_SERVERS"),
          e.getMessage());
    }
  }

  @Test
  void aBareNumberIsNoDurationAndTheMessageShowsTheForm() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollectorConfig.fromSettings(
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_KAFKA_TIMEOUT", "10000")));
    assertTrue(e.getMessage().startsWith("LAMBDASCOPE_KAFKA_TIMEOUT: '10000' has no unit; expected "), e.getMessage());
    assertTrue(e.getMessage().contains("250ms, 10s, 5m, 1h, 7d"), e.getMessage());
  }

  /** A setting that was renamed is not ignored: the old name points to the new one. */
  @Test
  void theMillisecondNamesOfOldAreRefused() {
    for (String old : new String[] {"LAMBDASCOPE_KAFKA_TIMEOUT_MS", "LAMBDASCOPE_KAFKA_START_TIMEOUT_MS",
        "LAMBDASCOPE_SHUTDOWN_TIMEOUT_MS"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> CollectorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", old, "5000")));
      assertTrue(e.getMessage().startsWith(old + " is no longer read: set " + old.replace("_MS", "") + " instead"),
          e.getMessage());
    }
  }

  @Test
  void tokensNeverAppearInErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollectorConfig.fromSettings(
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_AUTH_TOKENS", "t0ken-1=acme,s3cret-no-tenant")));
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    assertTrue(e.getMessage().startsWith("LAMBDASCOPE_AUTH_TOKENS: the value (not shown)"), e.getMessage());
  }

  /** The file form: tokens never on a command line or in the environment, and never in a message or the start line. */
  @Test
  void tokensMayComeFromAFile() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "# agents\nt0ken-acme-7 = acme\n\nt0ken-globex-9=globex\n");
    CollectorConfig c = CollectorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
        "LAMBDASCOPE_OTLP_HOST", "0.0.0.0", "LAMBDASCOPE_AUTH_TOKENS_FILE", tokens.toString()));
    assertEquals(Map.of("t0ken-acme-7", "acme", "t0ken-globex-9", "globex"), c.tenantsByToken());
    assertFalse(c.unauthenticatedOnNetwork());
    String line = c.describe();
    assertTrue(line.contains("auth=bearer(2 tokens, tenants=acme,globex)"), line);
    assertFalse(line.contains("t0ken"), line);

    assertEquals("set LAMBDASCOPE_AUTH_TOKENS or LAMBDASCOPE_AUTH_TOKENS_FILE, not both",
        assertThrows(IllegalArgumentException.class, () -> CollectorConfig.fromSettings(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_AUTH_TOKENS", "t=a",
            "LAMBDASCOPE_AUTH_TOKENS_FILE", tokens.toString()))).getMessage());
    Path malformed = Files.writeString(dir.resolve("malformed"), "t0ken-acme-7=acme\ns3cret-without-tenant\n");
    String e = assertThrows(IllegalArgumentException.class, () -> CollectorConfig.fromSettings(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_AUTH_TOKENS_FILE", malformed.toString()))).getMessage();
    assertTrue(e.startsWith("LAMBDASCOPE_AUTH_TOKENS_FILE: " + malformed + " line 2 (not shown)"), e);
    assertFalse(e.contains("s3cret") || e.contains("t0ken"), e);
    e = assertThrows(IllegalArgumentException.class, () -> CollectorConfig.fromSettings(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_AUTH_TOKENS_FILE", dir.resolve("missing").toString())))
        .getMessage();
    assertTrue(e.startsWith("LAMBDASCOPE_AUTH_TOKENS_FILE: cannot read " + dir.resolve("missing")), e);
  }

  @Test
  void tlsNeedsBothFilesReadable() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not checked before start");
    assertEquals("LAMBDASCOPE_TLS_CERT and LAMBDASCOPE_TLS_KEY must be set together",
        assertThrows(IllegalArgumentException.class, () -> CollectorConfig.fromSettings(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_TLS_CERT", cert.toString()))).getMessage());
    assertEquals("TLS file not readable: " + dir.resolve("missing.pem"),
        assertThrows(IllegalArgumentException.class, () -> CollectorConfig.fromSettings(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_TLS_CERT", cert.toString(),
            "LAMBDASCOPE_TLS_KEY", dir.resolve("missing.pem").toString()))).getMessage());
  }

  @Test
  void builderChecksTheSameRanges() {
    CollectorConfig.Builder b = CollectorConfig.builder("k:1");
    assertThrows(IllegalArgumentException.class, () -> b.port(70000));
    assertThrows(IllegalArgumentException.class, () -> b.kafkaTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.topicReplicationFactor((short) 0));
    assertThrows(IllegalArgumentException.class, () -> b.host("not a host"));
    assertEquals(Duration.ofSeconds(30), b.build().shutdownTimeout());
  }
}
