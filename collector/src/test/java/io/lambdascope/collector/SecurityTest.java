package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.testing.SelfSignedTls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens map to tenants the client cannot spoof; HTTPS with a PEM certificate and key. */
class SecurityTest {
  @TempDir
  static Path dir;
  private static Collector collector;
  private static HttpClient https;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    collector = Collector.start(TestKafka.config("security")
        .authTokens(Map.of("token-a", "tenant-a", "token-b", "tenant-b"))
        .tls(tls.certPem(), tls.keyPem())
        .build());
    https = HttpClient.newBuilder().sslContext(tls.clientContext()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    base = "https://127.0.0.1:" + collector.port();
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  private static HttpResponse<byte[]> post(byte[] body, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/traces"))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return https.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void tokensChooseTheTenantAndAClientCannotSpoofIt() throws Exception {
    Resource spoofing = Otlp.resource("tenant-fn").toBuilder().addAttributes(Otlp.attr("lambdascope.tenant", "tenant-b"))
        .addAttributes(Otlp.attr("lambdascope.tenant", "admin")).build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(Otlp.resourceSpans(spoofing, 2)).build();

    assertEquals(200, post(request.toByteArray(), "Bearer token-a").statusCode());

    List<ConsumerRecord<byte[], byte[]>> records =
        TestKafka.read(TestKafka.bootstrap(), collector.config().topicSpans(), 1, Duration.ofSeconds(20));
    assertEquals(1, records.size());
    Resource stored = ExportTraceServiceRequest.parseFrom(records.get(0).value()).getResourceSpans(0).getResource();
    assertEquals("tenant-a", Otlp.stringAttr(stored, "lambdascope.tenant"));
    assertEquals(1, Otlp.count(stored, "lambdascope.tenant"));
    assertEquals("tenant-a///tenant-fn", new String(records.get(0).key(), StandardCharsets.UTF_8),
        "the key's tenant is the token's");
  }

  @Test
  void missingWrongOrNonBearerCredentialsAre401AndWriteNothing() throws Exception {
    byte[] body = Otlp.traces(1, "intruder").toByteArray();
    for (String auth : new String[] {null, "Bearer nope", "Basic dG9rZW4tYTo=", "Bearer ", "token-a", "Bearer token-a2"}) {
      HttpResponse<byte[]> r = post(body, auth);
      assertEquals(401, r.statusCode(), String.valueOf(auth));
      assertEquals("Bearer", r.headers().firstValue("www-authenticate").orElse(null));
    }
    List<ConsumerRecord<byte[], byte[]>> records = TestKafka.readAll(TestKafka.bootstrap(), collector.config().topicSpans());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      assertTrue(!new String(r.key(), StandardCharsets.UTF_8).endsWith("/intruder"), "an unauthenticated write");
    }
  }

  @Test
  void healthAndMetricsNeedNoTokenAndPlainHttpIsNotServed() throws Exception {
    HttpResponse<String> live = https.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, live.statusCode());
    HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("lambdascope_collector_rejected_total"), metrics.body());
    assertThrows(Exception.class, () -> Http.get(collector.port(), "/health/live"));
  }
}
