package io.lambdascope.collector;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/** Test data: invocation-like spans with unique ids. */
final class Otlp {
  private static final AtomicLong NEXT_ID = new AtomicLong(System.nanoTime());

  private Otlp() {}

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static Resource resource(String function) {
    return Resource.newBuilder()
        .addAttributes(attr("service.name", function))
        .addAttributes(attr("faas.name", function))
        .addAttributes(attr("cloud.provider", "aws"))
        .build();
  }

  static Span span(String name) {
    long id = NEXT_ID.incrementAndGet();
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x1234L).putLong(id).array()))
        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array()))
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(1_700_000_000_000_000_000L)
        .setEndTimeUnixNano(1_700_000_000_100_000_000L)
        .addAttributes(attr("faas.invocation_id", "req-" + id))
        .addAttributes(attr("lambdascope.outcome", "success"))
        .build();
  }

  static ResourceSpans resourceSpans(Resource resource, int spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.lambdascope.agent"));
    String name = resource.getAttributes(0).getValue().getStringValue();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(span(name));
    }
    return ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope).build();
  }

  /** A request with one resource per function, {@code spans} spans each. */
  static ExportTraceServiceRequest traces(int spans, String... functions) {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    for (String f : functions) {
      b.addResourceSpans(resourceSpans(resource(f), spans));
    }
    return b.build();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String stringAttr(Resource r, String key) {
    return r.getAttributesList().stream().filter(kv -> kv.getKey().equals(key))
        .map(kv -> kv.getValue().getStringValue()).findFirst().orElse(null);
  }

  static long count(Resource r, String key) {
    return r.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).count();
  }
}
