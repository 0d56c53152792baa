package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real OpenTelemetry Java SDK exporters, both encodings, export to the collector unchanged. */
class OtelSdkClientTest {
  private static Collector collector;

  @BeforeAll
  static void start() {
    collector = Collector.start(TestKafka.config("sdk").authTokens(java.util.Map.of("s3cret", "team-a")).build());
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void sdkExportsTracesMetricsAndLogs(boolean json) throws Exception {
    String endpoint = "http://127.0.0.1:" + collector.port();
    String function = json ? "sdk-json" : "sdk-proto";
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), function, AttributeKey.stringKey("faas.name"), function)));

    OtlpHttpSpanExporter spanExporter = encoding(OtlpHttpSpanExporter.builder(), json)
        .setEndpoint(endpoint + "/v1/traces").addHeader("Authorization", "Bearer s3cret")
        .setCompression(json ? "gzip" : "none").build();
    SdkTracerProvider tracerProvider = SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(SimpleSpanProcessor.create(spanExporter)).build();
    Tracer tracer = tracerProvider.get("io.lambdascope.test");
    Span span = tracer.spanBuilder(function).setSpanKind(SpanKind.SERVER)
        .setAttribute("faas.invocation_id", "inv-1").startSpan();
    String traceId = span.getSpanContext().getTraceId();
    String spanId = span.getSpanContext().getSpanId();
    span.end();
    assertTrue(tracerProvider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess(), "span export failed");
    tracerProvider.shutdown().join(10, TimeUnit.SECONDS);

    OtlpHttpMetricExporter metricExporter = encoding(OtlpHttpMetricExporter.builder(), json)
        .setEndpoint(endpoint + "/v1/metrics").addHeader("Authorization", "Bearer s3cret").build();
    SdkMeterProvider meterProvider = SdkMeterProvider.builder().setResource(resource)
        .registerMetricReader(PeriodicMetricReader.builder(metricExporter).setInterval(Duration.ofHours(1)).build())
        .build();
    meterProvider.get("io.lambdascope.test").counterBuilder("invocations").build().add(3);
    assertTrue(meterProvider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess(), "metric export failed");
    meterProvider.shutdown().join(10, TimeUnit.SECONDS);

    OtlpHttpLogRecordExporter logExporter = encoding(OtlpHttpLogRecordExporter.builder(), json)
        .setEndpoint(endpoint + "/v1/logs").addHeader("Authorization", "Bearer s3cret").build();
    SdkLoggerProvider loggerProvider = SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(logExporter)).build();
    loggerProvider.get("io.lambdascope.test").logRecordBuilder().setBody("hello " + function).emit();
    CompletableResultCode flushed = loggerProvider.forceFlush().join(10, TimeUnit.SECONDS);
    assertTrue(flushed.isSuccess(), "log export failed");
    loggerProvider.shutdown().join(10, TimeUnit.SECONDS);

    String bootstrap = TestKafka.bootstrap();
    List<ExportTraceServiceRequest> allTraces = find(TestKafka.read(bootstrap, collector.config().topicSpans(), json ? 2 : 1,
        Duration.ofSeconds(20)), "team-a///" + function, ExportTraceServiceRequest::parseFrom);
    assertEquals(1, allTraces.size());
    ExportTraceServiceRequest traces = allTraces.get(0);
    io.opentelemetry.proto.trace.v1.Span stored = traces.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertEquals(traceId, HexFormat.of().formatHex(stored.getTraceId().toByteArray()));
    assertEquals(spanId, HexFormat.of().formatHex(stored.getSpanId().toByteArray()));
    assertEquals(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER, stored.getKind());
    assertEquals("team-a", Otlp.stringAttr(traces.getResourceSpans(0).getResource(), "lambdascope.tenant"));

    // Flush and shutdown each export once: the first record is the flush's.
    ExportMetricsServiceRequest metrics = find(TestKafka.read(bootstrap, collector.config().topicMetrics(), json ? 2 : 1,
        Duration.ofSeconds(20)), "team-a///" + function, ExportMetricsServiceRequest::parseFrom).get(0);
    assertEquals(3, metrics.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0).getSum().getDataPoints(0).getAsInt());

    ExportLogsServiceRequest logs = find(TestKafka.read(bootstrap, collector.config().topicLogs(), json ? 2 : 1,
        Duration.ofSeconds(20)), "team-a///" + function, ExportLogsServiceRequest::parseFrom).get(0);
    assertEquals("hello " + function,
        logs.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getBody().getStringValue());
  }

  /**
   * The SDK writes OTLP JSON (http/json) through its internal HttpExporterBuilder; the public
   * builders do not expose the switch yet, so reach it the way the SDK's own autoconfigure does.
   */
  private static <B> B encoding(B builder, boolean json) throws ReflectiveOperationException {
    if (json) {
      java.lang.reflect.Field delegate = builder.getClass().getDeclaredField("delegate");
      delegate.setAccessible(true);
      Object http = delegate.get(builder);
      http.getClass().getMethod("exportAsJson").invoke(http);
      java.lang.reflect.Field flag = http.getClass().getDeclaredField("exportAsJson");
      flag.setAccessible(true);
      assertTrue(flag.getBoolean(http), "the SDK exporter is not in JSON mode");
    }
    return builder;
  }

  interface Parser<T> {
    T parse(byte[] b) throws Exception;
  }

  private static <T> List<T> find(List<ConsumerRecord<byte[], byte[]>> records, String key, Parser<T> parser) throws Exception {
    List<T> out = new java.util.ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
        out.add(parser.parse(r.value()));
      }
    }
    assertTrue(!out.isEmpty(), "no record keyed " + key);
    return out;
  }
}
