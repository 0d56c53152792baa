package io.lambdascope.processor.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Processor;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.Scrape;
import io.lambdascope.processor.Series;
import io.lambdascope.testing.SelfSignedTls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's HTTP port with tokens and TLS: a tenant's token reads its own tenant's
 * invocations and findings only, an operator token everything and /metrics, health checks need no
 * token, and plain HTTP is not served. Real broker, records stamped with tenants as the collector
 * stamps them.
 */
class HttpAccessTest {
  static final String OPERATOR = "op-7f3a9c";
  static final String ACME = "acme-51be0d";
  static final String GLOBEX = "globex-c2d4e8";

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static Processor processor;
  static HttpClient https;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
    processor = Processor.start(ProcessorConfig.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .stateDir(dir.resolve("state"))
        .metricsPort(0)
        .metricsAuthTokens(Map.of(OPERATOR, "*", ACME, "acme", GLOBEX, "globex"))
        .metricsTls(tls.certPem(), tls.keyPem())
        .reportWait(Duration.ofSeconds(1))
        .build());
    https = HttpClient.newBuilder().sslContext(tls.clientContext()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    base = "https://127.0.0.1:" + processor.httpPort();

    java.util.Properties p = new java.util.Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      send(producer, who("acme", "acme-orders"), Otlp.span(who("acme", "acme-orders"), "r1").timeoutMs(1000)
          .duration(950));
      send(producer, who("globex", "globex-billing"), Otlp.span(who("globex", "globex-billing"), "r2")
          .timeoutMs(1000).duration(990));
      // One account, region and name under two tenants: two functions, each seen by its own tenant.
      send(producer, who("acme", "shared"), Otlp.span(who("acme", "shared"), "r3"));
      send(producer, who("globex", "shared"), Otlp.span(who("globex", "shared"), "r4"));
      // An empty tenant stamp, as none at all: tenant unknown, which only operators see.
      send(producer, who("", "unstamped"), Otlp.span(who("", "unstamped"), "r5"));
      producer.flush();
    }
    Scrape.await(Duration.ofSeconds(60), "five invocations decided",
        () -> invocations(OPERATOR, "").size() == 5);
    // /metrics and /api/findings show committed state, as the ring of recent invocations does.
    Scrape.await(Duration.ofSeconds(60), "five invocations committed", () -> Scrape.parse(get("/metrics", OPERATOR).body())
        .entrySet().stream().filter(e -> e.getKey().startsWith("faas_invocations_total{"))
        .mapToDouble(Map.Entry::getValue).sum() == 5);
  }

  @AfterAll
  static void stop() {
    if (processor != null) {
      processor.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** A function of {@code tenant} in the default account and region. */
  private static Otlp.Identity who(String tenant, String function) {
    return new Otlp.Identity(tenant, Otlp.ACCOUNT, Otlp.REGION, function, "2026/01/01/[$LATEST]abc", "$LATEST");
  }

  /** The span's request as the collector writes it: the tenant stamped on the resource, keyed by identity. */
  private static void send(KafkaProducer<byte[], byte[]> producer, Otlp.Identity who, Otlp.SpanBuilder span)
      throws Exception {
    String key = who.tenant() + "/" + who.account() + "/" + who.region() + "/" + who.function();
    producer.send(new ProducerRecord<>("otlp_spans", key.getBytes(StandardCharsets.UTF_8), span.request())).get();
  }

  static HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> invocations(String token, String query) {
    HttpResponse<String> r = get("/api/invocations?limit=100" + query, token);
    assertEquals(200, r.statusCode(), r.body());
    Set<String> out = new TreeSet<>();
    for (Object o : new JsonObject(r.body()).getJsonArray("invocations")) {
      out.add(((JsonObject) o).getString("function") + "/" + ((JsonObject) o).getString("invocation_id"));
    }
    return out;
  }

  private static Set<String> findings(String token) {
    HttpResponse<String> r = get("/api/findings", token);
    assertEquals(200, r.statusCode(), r.body());
    Set<String> out = new TreeSet<>();
    for (Object o : new JsonObject(r.body()).getJsonArray("findings", new JsonArray())) {
      out.add(((JsonObject) o).getString("function") + "/" + ((JsonObject) o).getString("kind"));
    }
    return out;
  }

  @Test
  void aTenantSeesItsOwnInvocationsAndTheOperatorSeesAll() {
    assertEquals(Set.of("acme-orders/r1", "globex-billing/r2", "shared/r3", "shared/r4", "unstamped/r5"),
        invocations(OPERATOR, ""));
    assertEquals(Set.of("acme-orders/r1", "shared/r3"), invocations(ACME, ""));
    assertEquals(Set.of("globex-billing/r2", "shared/r4"), invocations(GLOBEX, ""));
    assertEquals(Set.of(), invocations(ACME, "&function=globex-billing"), "asking by name does not help");
  }

  @Test
  void findingsAreFilteredTheSameWay() {
    assertEquals(Set.of("acme-orders/duration_near_timeout", "globex-billing/duration_near_timeout"),
        findings(OPERATOR));
    assertEquals(Set.of("acme-orders/duration_near_timeout"), findings(ACME));
    assertEquals(Set.of("globex-billing/duration_near_timeout"), findings(GLOBEX));
  }

  @Test
  void withoutAValidTokenTheApiAnswers401() {
    for (String path : new String[] {"/api/invocations", "/api/findings", "/metrics"}) {
      for (String token : new String[] {null, "nope", ACME + "x"}) {
        HttpResponse<String> r = get(path, token);
        assertEquals(401, r.statusCode(), path + " " + token);
        assertEquals("Bearer realm=\"lambdascope\"", r.headers().firstValue("www-authenticate").orElse(null));
        assertEquals("{\"error\":\"missing or unknown bearer token\"}", r.body());
      }
    }
  }

  @Test
  void metricsNeedTheOperatorAndHealthNeedsNoToken() {
    HttpResponse<String> tenant = get("/metrics", ACME);
    assertEquals(403, tenant.statusCode());
    assertEquals("{\"error\":\"/metrics shows every tenant's functions: it needs an operator token (tenant * in "
        + "LAMBDASCOPE_METRICS_AUTH_TOKENS)\"}", tenant.body());
    HttpResponse<String> operator = get("/metrics", OPERATOR);
    assertEquals(200, operator.statusCode());
    Map<String, Double> m = Scrape.parse(operator.body());
    assertEquals(1, m.get(Series.of("faas_invocations_total", who("acme", "shared"), "outcome", "success",
        "trigger", "other")), m.toString());
    assertEquals(1, m.get(Series.of("faas_invocations_total", who("globex", "shared"), "outcome", "success",
        "trigger", "other")), m.toString());
    assertEquals(200, get("/health/live", null).statusCode());
    assertEquals(200, get("/health/ready", null).statusCode());
  }

  @Test
  void plainHttpIsNotServed() {
    assertThrows(Exception.class, () -> HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processor.httpPort() + "/health/live"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
  }
}
