package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed requests get a 4xx with a reason, write nothing to Kafka, and the collector keeps serving. */
class BadInputTest {
  private static final String PROTO = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static Collector collector;

  @BeforeAll
  static void start() {
    collector = Collector.start(TestKafka.config("badinput")
        .maxRequestBytes(64 * 1024)
        .maxDecompressedBytes(512 * 1024)
        .maxDecodedMessages(10_000)
        .maxInflightBytes(4 << 20)
        .build());
  }

  @AfterAll
  static void stop() {
    // The whole corpus and the fuzz ran: nothing of it may be in Kafka.
    try {
      for (String topic : List.of(collector.config().topicSpans(), collector.config().topicMetrics(), collector.config().topicLogs())) {
        assertEquals(0, TestKafka.readAll(TestKafka.bootstrap(), topic).size(), "records in " + topic);
      }
    } finally {
      collector.close();
    }
  }

  static Stream<Arguments> corpus() {
    byte[] valid = Otlp.traces(20, "bad").toByteArray();
    byte[] zeros = new byte[8 << 20];
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("truncated protobuf", "/v1/traces", PROTO, null, Arrays.copyOf(valid, valid.length / 2), 400));
    cases.add(Arguments.of("garbage protobuf", "/v1/traces", PROTO, null, garbage(), 400));
    cases.add(Arguments.of("protobuf sent as json", "/v1/traces", JSON, null, valid, 400));
    cases.add(Arguments.of("invalid json", "/v1/traces", JSON, null, bytes("{\"resourceSpans\": ["), 400));
    cases.add(Arguments.of("json array", "/v1/metrics", JSON, null, bytes("[]"), 400));
    cases.add(Arguments.of("wrong type", "/v1/traces", JSON, null, bytes("{\"resourceSpans\": \"x\"}"), 400));
    cases.add(Arguments.of("number for trace id", "/v1/traces", JSON, null,
        bytes("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":5}]}]}]}"), 400));
    cases.add(Arguments.of("non-hex trace id", "/v1/traces", JSON, null,
        bytes("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}"), 400));
    cases.add(Arguments.of("string for int", "/v1/logs", JSON, null,
        bytes("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}"), 400));
    cases.add(Arguments.of("text/plain", "/v1/traces", "text/plain", null, valid, 415));
    cases.add(Arguments.of("no content type", "/v1/traces", null, null, valid, 415));
    cases.add(Arguments.of("brotli", "/v1/traces", PROTO, "br", valid, 415));
    cases.add(Arguments.of("empty protobuf body", "/v1/traces", PROTO, null, new byte[0], 400));
    cases.add(Arguments.of("empty json body", "/v1/logs", JSON, null, new byte[0], 400));
    cases.add(Arguments.of("oversized body", "/v1/traces", PROTO, null, new byte[200 * 1024], 413));
    cases.add(Arguments.of("gzip bomb", "/v1/traces", PROTO, "gzip", Otlp.gzip(zeros), 413));
    cases.add(Arguments.of("corrupt gzip", "/v1/traces", PROTO, "gzip", Arrays.copyOf(Otlp.gzip(valid), 40), 400));
    cases.add(Arguments.of("not gzip at all", "/v1/traces", PROTO, "gzip", valid, 400));
    cases.add(Arguments.of("deeply nested json", "/v1/traces", JSON, null,
        bytes("{\"resourceSpans\":" + "[".repeat(5000) + "]".repeat(5000) + "}"), 400));
    cases.add(Arguments.of("deeply nested protobuf", "/v1/traces", PROTO, null, deepProtobuf(300), 400));
    cases.add(Arguments.of("many attributes (protobuf)", "/v1/traces", PROTO, "gzip", Otlp.gzip(manyAttributes(30_000)), 413));
    cases.add(Arguments.of("many attributes (json)", "/v1/traces", JSON, "gzip", Otlp.gzip(manyAttributesJson(30_000)), 413));
    cases.add(Arguments.of("platform events without array", "/v1/lambda/telemetry", JSON, null, bytes("{}"), 400));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void malformedRequestGetsA4xxWithAReason(String name, String path, String type, String encoding, byte[] body, int status) {
    List<String> headers = new ArrayList<>(List.of("X-Lambdascope-Function", "f"));
    if (encoding != null) {
      headers.addAll(List.of("Content-Encoding", encoding));
    }
    HttpResponse<byte[]> r = Http.post(collector.port(), path, type, body, headers.toArray(String[]::new));

    assertEquals(status, r.statusCode(), name + ": " + Http.text(r));
    String message = message(r);
    assertTrue(message.length() > 5, "a reason: " + message);
    assertFalse(message.contains("Exception") || message.contains("\tat "), "no stack trace: " + message);
    stillServing();
  }

  @Test
  void chunkedBodyPastTheLimitIs413() {
    String tooLarge = "lambdascope_collector_rejected_total{reason=\"too_large\",signal=\"traces\"}";
    double refusedBefore = Scrape.of(collector.port()).get(tooLarge);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.port() + "/v1/traces"))
        .header("Content-Type", PROTO)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[300 * 1024])))
        .build();
    try {
      assertEquals(413, Http.send(request).statusCode());
    } catch (UncheckedIOException e) {
      // The collector closes the connection after answering; a client still sending may only see the
      // reset. Its own count then says what it answered.
    }
    assertEquals(refusedBefore + 1, Scrape.of(collector.port()).get(tooLarge), "one more body refused as too large");
    stillServing();
  }

  @Test
  void wrongMethodsAndPathsAndHugeHeaders() throws Exception {
    assertEquals(405, Http.get(collector.port(), "/v1/traces").statusCode());
    assertEquals(404, Http.get(collector.port(), "/v1/nothing").statusCode());
    try (Socket s = new Socket("127.0.0.1", collector.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000) + "\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertTrue(statusLine.matches("HTTP/1\\.[01] 4.*"), statusLine);
    }
    try (Socket s = new Socket("127.0.0.1", collector.port())) {
      s.getOutputStream().write("\u0000\u0001garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertTrue(answer.isEmpty() || answer.matches("HTTP/1\\.[01] 4.*"), answer);
    }
    stillServing();
  }

  /** Random mutations of valid requests, sent over HTTP: never a 5xx, never a dead collector. */
  @Test
  void mutatedRequestsNeverBreakTheCollector() {
    // Its own collector: mutations that still decode are valid data and land in Kafka.
    try (Collector fuzzed = Collector.start(TestKafka.config("mutated").build())) {
      sendMutations(fuzzed.port());
    }
  }

  private static void sendMutations(int port) {
    Random random = new Random(4242);
    byte[] proto = Otlp.traces(3, "fuzz").toByteArray();
    byte[] json = bytes("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"faas.name\",\"value\":{\"stringValue\":\"fuzz\"}}]},"
        + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"x\"}]}]}]}");
    int accepted = 0;
    for (int i = 0; i < 150; i++) {
      boolean isJson = i % 2 == 0;
      byte[] body = Mutator.mutate(isJson ? json : proto, random);
      HttpResponse<byte[]> r = Http.post(port, "/v1/traces", isJson ? JSON : PROTO, body);
      assertTrue(r.statusCode() == 200 || r.statusCode() == 400 || r.statusCode() == 413,
          "status " + r.statusCode() + " for mutation " + i + ": " + Http.text(r));
      if (r.statusCode() == 200) {
        accepted++;
      }
    }
    assertTrue(accepted < 150, "the mutations were all harmless");
    assertEquals(200, Http.get(port, "/health/live").statusCode());
  }

  private static void stillServing() {
    assertEquals(200, Http.get(collector.port(), "/health/live").statusCode());
  }

  private static String message(HttpResponse<byte[]> r) {
    String type = r.headers().firstValue("content-type").orElse("");
    if (type.startsWith(JSON)) {
      return new JsonObject(Http.text(r)).getString("message");
    }
    if (type.startsWith(PROTO)) {
      try {
        // google.rpc.Status (code = 1, message = 2) has the wire shape of ExportTracePartialSuccess.
        return io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess.parseFrom(r.body()).getErrorMessage();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return Http.text(r);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] garbage() {
    byte[] b = new byte[512];
    Arrays.fill(b, (byte) 0xFF);
    return b;
  }

  private static byte[] deepProtobuf(int depth) {
    AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 0; i < depth; i++) {
      v = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
          .addValues(KeyValue.newBuilder().setKey("k").setValue(v))).build();
    }
    Span span = Otlp.span("deep").toBuilder().addAttributes(KeyValue.newBuilder().setKey("deep").setValue(v)).build();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Otlp.resource("deep")).addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build().toByteArray();
  }

  private static byte[] manyAttributes(int n) {
    Resource.Builder r = Resource.newBuilder();
    for (int i = 0; i < n; i++) {
      r.addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setIntValue(i)));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(r)
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Otlp.span("many")))).build().toByteArray();
  }

  private static byte[] manyAttributesJson(int n) {
    StringBuilder sb = new StringBuilder("{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"key\":\"k\",\"value\":{\"intValue\":").append(i).append("}}");
    }
    return bytes(sb.append("]}}]}").toString());
  }
}
