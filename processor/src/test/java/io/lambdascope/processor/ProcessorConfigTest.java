package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsAreTheDocumentedOnes() {
    ProcessorConfig c = ProcessorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
    assertEquals("k:9092", c.bootstrapServers());
    assertEquals("otlp_spans", c.spansTopic());
    assertEquals("otlp_logs", c.logsTopic());
    assertEquals(3, c.topicPartitions());
    assertEquals(-1, c.topicReplication());
    assertEquals("127.0.0.1", c.metricsHost());
    assertEquals(9464, c.metricsPort());
    assertEquals("lambdascope-processor", c.applicationId());
    assertEquals(Path.of("data", "processor"), c.stateDir());
    assertEquals(Duration.ofHours(24), c.dedupWindow());
    assertEquals(20, c.maxLabelValues());
    assertEquals(Duration.ofSeconds(10), c.reportWait());
    assertEquals(Duration.ofSeconds(10), c.timeoutGrace());
    assertEquals(Duration.ofMillis(100), c.commitInterval());
    assertEquals(Duration.ofSeconds(30), c.dlqPollInterval());
    assertEquals(ProcessorConfig.DlqAgeMode.OBSERVE, c.dlqAgeMode());
    assertFalse(c.dlqWatcherEnabled());
    assertNull(c.sqsEndpoint());
    assertEquals(Map.of(), c.metricsTenantsByToken());
    assertFalse(c.metricsAllowUnauthenticated());
    assertNull(c.metricsTlsCert());
    assertEquals(Duration.ofSeconds(5), c.metricsRequestReadTimeout());
    assertEquals(Duration.ofMinutes(2), c.metricsKeepAliveTimeout());
  }

  @Test
  void readsEverySetting() throws Exception {
    Path props = dir.resolve("client.properties");
    Files.writeString(props, "security.protocol=SASL_SSL\nsasl.jaas.config=secret-stuff\n");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not read until the port starts");
    Path key = Files.writeString(dir.resolve("key.pem"), "not read until the port starts");
    ProcessorConfig c = ProcessorConfig.fromSettings(Map.ofEntries(
        Map.entry("KAFKA_BOOTSTRAP_SERVERS", "a:1,b:2"),
        Map.entry("LAMBDASCOPE_KAFKA_CONFIG", props.toString()),
        Map.entry("LAMBDASCOPE_TOPIC_SPANS", "s"),
        Map.entry("LAMBDASCOPE_TOPIC_LOGS", "l"),
        Map.entry("LAMBDASCOPE_TOPIC_PARTITIONS", "12"),
        Map.entry("LAMBDASCOPE_TOPIC_REPLICATION_FACTOR", "3"),
        Map.entry("LAMBDASCOPE_METRICS_HOST", "0.0.0.0"),
        Map.entry("LAMBDASCOPE_METRICS_PORT", "0"),
        Map.entry("LAMBDASCOPE_METRICS_AUTH_TOKENS", "tok-op-0001=*,tok-acme-0002=acme"),
        Map.entry("LAMBDASCOPE_METRICS_TLS_CERT", cert.toString()),
        Map.entry("LAMBDASCOPE_METRICS_TLS_KEY", key.toString()),
        Map.entry("LAMBDASCOPE_METRICS_REQUEST_READ_TIMEOUT", "3s"),
        Map.entry("LAMBDASCOPE_METRICS_KEEP_ALIVE_TIMEOUT", "90s"),
        Map.entry("LAMBDASCOPE_APPLICATION_ID", "app"),
        Map.entry("LAMBDASCOPE_STATE_DIR", "/var/lib/x"),
        Map.entry("LAMBDASCOPE_DEDUP_WINDOW", "2h"),
        Map.entry("LAMBDASCOPE_MAX_LABEL_VALUES", "5"),
        Map.entry("LAMBDASCOPE_REPORT_WAIT", "1500ms"),
        Map.entry("LAMBDASCOPE_TIMEOUT_GRACE", "30s"),
        Map.entry("LAMBDASCOPE_COMMIT_INTERVAL", "250ms"),
        Map.entry("LAMBDASCOPE_FINDINGS_WINDOW", "7d"),
        Map.entry("LAMBDASCOPE_STREAM_THREADS", "2"),
        Map.entry("LAMBDASCOPE_MAX_FUNCTIONS", "50"),
        Map.entry("LAMBDASCOPE_RECENT_INVOCATIONS", "10"),
        Map.entry("LAMBDASCOPE_SQS_ENDPOINT", "http://127.0.0.1:9324"),
        Map.entry("AWS_REGION", "eu-west-1"),
        Map.entry("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
        Map.entry("AWS_SECRET_ACCESS_KEY", "very-secret"),
        Map.entry("LAMBDASCOPE_DLQ_QUEUES", "a-dlq=fa, b-dlq"),
        Map.entry("LAMBDASCOPE_SQS_SOURCE_QUEUES", "orders=orders-fn"),
        Map.entry("LAMBDASCOPE_DLQ_POLL_INTERVAL", "5s"),
        Map.entry("LAMBDASCOPE_DLQ_AGE_MODE", "peek")));
    assertEquals("SASL_SSL", c.kafkaProperties().getProperty("security.protocol"));
    assertEquals(12, c.topicPartitions());
    assertEquals(3, c.topicReplication());
    assertEquals("3", Processor.streamsProperties(c).getProperty("replication.factor"));
    assertEquals(0, c.metricsPort());
    assertEquals(Duration.ofHours(2), c.dedupWindow());
    assertEquals(Duration.ofMillis(1500), c.reportWait());
    assertEquals(Duration.ofSeconds(30), c.timeoutGrace());
    assertEquals(Duration.ofMillis(250), c.commitInterval());
    assertEquals(Duration.ofDays(7), c.findingsWindow());
    assertEquals(Duration.ofSeconds(5), c.dlqPollInterval());
    assertEquals(2, c.streamThreads());
    assertEquals(50, c.maxFunctions());
    assertEquals(10, c.recentInvocations());
    assertEquals(5, c.maxLabelValues());
    assertEquals("app", c.applicationId());
    assertEquals(Path.of("/var/lib/x"), c.stateDir());
    assertEquals("0.0.0.0", c.metricsHost());
    assertEquals(Map.of("tok-op-0001", "*", "tok-acme-0002", "acme"), c.metricsTenantsByToken());
    assertEquals(cert, c.metricsTlsCert());
    assertEquals(key, c.metricsTlsKey());
    assertEquals(Duration.ofSeconds(3), c.metricsRequestReadTimeout());
    assertEquals(Duration.ofSeconds(90), c.metricsKeepAliveTimeout());
    assertFalse(c.unauthenticatedOnNetwork());
    assertEquals("AKIAEXAMPLE", c.sqsAccessKeyId());
    assertEquals(URI.create("http://127.0.0.1:9324"), c.sqsEndpoint());
    assertEquals("eu-west-1", c.sqsRegion());
    assertEquals(Map.of("a-dlq", "fa", "b-dlq", ""), c.dlqQueues());
    assertEquals(Map.of("orders", "orders-fn"), c.sourceQueues());
    assertEquals(ProcessorConfig.DlqAgeMode.PEEK, c.dlqAgeMode());
    assertTrue(c.dlqWatcherEnabled());
    String line = c.describe();
    assertFalse(line.contains("very-secret"), line);
    assertFalse(line.contains("secret-stuff"), line);
    assertFalse(line.contains("AKIAEXAMPLE"), line);
    assertFalse(line.contains("tok-op-0001") || line.contains("tok-acme-0002"), line);
    assertTrue(line.contains(" http=https://0.0.0.0:0 auth=bearer(2 tokens, tenants=*,acme) tls-cert=" + cert
        + " read-timeout=3s keep-alive=90s "), line);
    assertTrue(line.contains("application.id=app") && line.contains(props.toString()), line);
    assertEquals("SASL_SSL", Processor.streamsProperties(c).getProperty("security.protocol"));
    assertEquals("exactly_once_v2", Processor.streamsProperties(c).getProperty("processing.guarantee"));
  }

  @Test
  void badValuesNameTheSetting() {
    assertEquals("KAFKA_BOOTSTRAP_SERVERS is not set; expected host:port pairs separated by commas (k1:9092,k2:9092)",
        assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.fromSettings(Map.of())).getMessage());
    for (Map.Entry<String, String> bad : Map.of(
        "LAMBDASCOPE_METRICS_PORT", "http",
        "LAMBDASCOPE_DEDUP_WINDOW", "a day",
        "LAMBDASCOPE_MAX_LABEL_VALUES", "0",
        "LAMBDASCOPE_TOPIC_PARTITIONS", "-1",
        "LAMBDASCOPE_TOPIC_REPLICATION_FACTOR", "0",
        "LAMBDASCOPE_SQS_SOURCE_QUEUES", "orders",
        "LAMBDASCOPE_DLQ_AGE_MODE", "guess",
        "LAMBDASCOPE_SQS_ENDPOINT", "127.0.0.1:9324",
        "LAMBDASCOPE_COMMIT_INTERVAL", "PT1S").entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.fromSettings(
          Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", bad.getKey(), bad.getValue())));
      assertTrue(e.getMessage().startsWith(bad.getKey()), e.getMessage());
    }
  }

  @Test
  void theHttpPortRefusesToListenBeyondLoopbackWithoutTokensUnlessAllowed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.fromSettings(
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_METRICS_HOST", "0.0.0.0")));
    assertEquals("refusing to listen on 0.0.0.0 without authentication: set LAMBDASCOPE_METRICS_AUTH_TOKENS "
        + "(token=tenant pairs), or LAMBDASCOPE_METRICS_ALLOW_UNAUTHENTICATED=true to accept anyone who can reach it",
        e.getMessage());
    ProcessorConfig allowed = ProcessorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
        "LAMBDASCOPE_METRICS_HOST", "0.0.0.0", "LAMBDASCOPE_METRICS_ALLOW_UNAUTHENTICATED", "true"));
    assertTrue(allowed.unauthenticatedOnNetwork());
    assertTrue(allowed.describe().contains(" auth=none(UNAUTHENTICATED ON 0.0.0.0) "), allowed.describe());
    assertFalse(ProcessorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1")).unauthenticatedOnNetwork());
  }

  @Test
  void tokensMayComeFromAFileAndTlsNeedsBothFiles() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "# scrape\ntok-scrape-9=*\ntok-acme-7 = acme\n");
    ProcessorConfig c = ProcessorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
        "LAMBDASCOPE_METRICS_HOST", "0.0.0.0", "LAMBDASCOPE_METRICS_AUTH_TOKENS_FILE", tokens.toString()));
    assertEquals(Map.of("tok-scrape-9", "*", "tok-acme-7", "acme"), c.metricsTenantsByToken());
    assertEquals("set LAMBDASCOPE_METRICS_AUTH_TOKENS or LAMBDASCOPE_METRICS_AUTH_TOKENS_FILE, not both",
        assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.fromSettings(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_METRICS_AUTH_TOKENS", "t=a",
            "LAMBDASCOPE_METRICS_AUTH_TOKENS_FILE", tokens.toString()))).getMessage());
    assertEquals("LAMBDASCOPE_METRICS_TLS_CERT and LAMBDASCOPE_METRICS_TLS_KEY must be set together",
        assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.fromSettings(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_METRICS_TLS_CERT", tokens.toString()))).getMessage());
    assertEquals("TLS file not readable: " + dir.resolve("missing.pem"),
        assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.fromSettings(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_METRICS_TLS_CERT", tokens.toString(),
            "LAMBDASCOPE_METRICS_TLS_KEY", dir.resolve("missing.pem").toString()))).getMessage());
  }

  /** The processor once read a bare number as milliseconds; now it says what to write instead. */
  @Test
  void aBareNumberIsNoDuration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.fromSettings(
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_REPORT_WAIT", "1500")));
    assertTrue(e.getMessage().startsWith("LAMBDASCOPE_REPORT_WAIT: '1500' has no unit; expected a duration"),
        e.getMessage());
    assertTrue(e.getMessage().contains("250ms, 10s, 5m, 1h, 7d"), e.getMessage());
  }

  @Test
  void theRegionFallsBackToAwsRegionThenUsEast1() {
    assertEquals("us-east-1", ProcessorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1")).sqsRegion());
    assertEquals("eu-west-1", ProcessorConfig.fromSettings(
        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "AWS_REGION", "eu-west-1")).sqsRegion());
    assertEquals("ap-south-1", ProcessorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
        "AWS_REGION", "eu-west-1", "LAMBDASCOPE_SQS_REGION", "ap-south-1")).sqsRegion());
  }
}
