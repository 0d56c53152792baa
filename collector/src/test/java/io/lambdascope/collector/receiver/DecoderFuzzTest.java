package io.lambdascope.collector.receiver;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.lambdascope.collector.Mutator;
import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.exporter.kafka.ResourceSplitter;
import io.lambdascope.collector.receiver.otlp.OtlpHttpBodyDecoder;
import io.lambdascope.collector.receiver.telemetryapi.FunctionIdentity;
import io.lambdascope.collector.receiver.telemetryapi.TelemetryApiEventsToLogs;
import io.lambdascope.collector.signal.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutation fuzzing of every decoder and the splitter: any input either decodes or
 * is a {@link Rejection}; nothing else may escape (no NPE, no StackOverflowError, no OOM).
 */
class DecoderFuzzTest {
  private static final long SEED = 20261129L;
  private static final int ROUNDS = 1500;

  private static final Resource RESOURCE = Resource.newBuilder()
      .addAttributes(KeyValue.newBuilder().setKey("faas.name").setValue(AnyValue.newBuilder().setStringValue("fz"))).build();

  @Test
  void protobufDecodersOnlyDecodeOrReject() {
    Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(ByteString.copyFrom(new byte[8]))
        .setName("s").addAttributes(KeyValue.newBuilder().setKey("a").setValue(AnyValue.newBuilder().setIntValue(1))).build();
    List<Message> seeds = List.of(
        ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(RESOURCE)
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(span).addSpans(span))).build(),
        ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().setResource(RESOURCE)
            .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("m")
                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setAsDouble(1)))))).build(),
        ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(RESOURCE)
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                .setBody(AnyValue.newBuilder().setStringValue("b"))))).build());
    Signal[] signals = {Signal.TRACES, Signal.METRICS, Signal.LOGS};
    Random random = new Random(SEED);
    int decoded = 0;
    for (int i = 0; i < ROUNDS; i++) {
      int k = i % 3;
      byte[] input = mutate(seeds.get(k).toByteArray(), random);
      decoded += attempt(() -> {
        Message m = OtlpHttpBodyDecoder.decodeProtobuf(signals[k].requestPrototype(), input, 10_000);
        ResourceSplitter.split(signals[k], m, "t", 4096);
      }, input);
    }
    assertTrue(decoded > 0 && decoded < ROUNDS, "decoded " + decoded + " of " + ROUNDS);
  }

  @Test
  void jsonDecodersOnlyDecodeOrReject() {
    List<String> seeds = List.of(
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"faas.name\",\"value\":{\"stringValue\":\"f\"}}]},"
            + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
            + "\"kind\":2,\"startTimeUnixNano\":\"1\",\"attributes\":[{\"key\":\"n\",\"value\":{\"intValue\":\"3\"}}]}]}]}]}",
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"m\",\"sum\":{\"dataPoints\":[{\"asInt\":\"4\"}],"
            + "\"aggregationTemporality\":2,\"isMonotonic\":true}}]}]}]}",
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"5\",\"severityNumber\":9,"
            + "\"body\":{\"kvlistValue\":{\"values\":[{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"doubleValue\":1.5}]}}}]}}}]}]}]}");
    Signal[] signals = {Signal.TRACES, Signal.METRICS, Signal.LOGS};
    Random random = new Random(SEED + 1);
    int decoded = 0;
    for (int i = 0; i < ROUNDS; i++) {
      int k = i % 3;
      byte[] input = mutate(seeds.get(k).getBytes(StandardCharsets.UTF_8), random);
      decoded += attempt(() -> {
        Message m = OtlpHttpBodyDecoder.decodeJson(signals[k].requestPrototype(), input, 10_000);
        ResourceSplitter.split(signals[k], m, "t", 4096);
      }, input);
    }
    assertTrue(decoded > 0 && decoded < ROUNDS, "decoded " + decoded + " of " + ROUNDS);
  }

  @Test
  void platformEventDecoderOnlyDecodesOrRejects() {
    byte[] seed = ("[{\"time\":\"2026-11-29T10:00:02.000Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"r\","
        + "\"status\":\"error\",\"metrics\":{\"durationMs\":1.5,\"billedDurationMs\":2,\"maxMemoryUsedMB\":3}}},"
        + "{\"time\":\"2026-11-29T10:00:00Z\",\"type\":\"lambdascope.throttle\",\"record\":{\"reason\":\"x\"}}]")
        .getBytes(StandardCharsets.UTF_8);
    Random random = new Random(SEED + 2);
    int decoded = 0;
    for (int i = 0; i < ROUNDS; i++) {
      byte[] input = mutate(seed, random);
      decoded += attempt(() -> ResourceSplitter.split(Signal.PLATFORM,
          TelemetryApiEventsToLogs.toLogs(input, FunctionIdentity.named("f"), 10_000, 0), "t", 4096), input);
    }
    assertTrue(decoded > 0 && decoded < ROUNDS, "decoded " + decoded + " of " + ROUNDS);
  }

  @Test
  void gzipDecoderOnlyDecodesOrRejects() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write("hello hello hello hello".getBytes(StandardCharsets.UTF_8));
    }
    Random random = new Random(SEED + 3);
    int decoded = 0;
    for (int i = 0; i < ROUNDS; i++) {
      byte[] input = mutate(out.toByteArray(), random);
      decoded += attempt(() -> ContentEncodingDecoder.decode(input, "gzip", 1024), input);
    }
    assertTrue(decoded > 0 && decoded < ROUNDS, "decoded " + decoded + " of " + ROUNDS);
  }

  interface Attempt {
    void run() throws Rejection;
  }

  private static int attempt(Attempt a, byte[] input) {
    try {
      a.run();
      return 1;
    } catch (Rejection expected) {
      return 0;
    } catch (Throwable t) {
      fail("input " + Arrays.toString(Arrays.copyOf(input, Math.min(input.length, 200))) + " escaped as " + t, t);
      return 0;
    }
  }

  private static byte[] mutate(byte[] input, Random random) {
    return Mutator.mutate(input, random);
  }
}
