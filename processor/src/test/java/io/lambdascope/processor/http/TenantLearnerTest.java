package io.lambdascope.processor.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lambdascope.processor.Otlp;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TenantLearnerTest {
  private static Resource resource(String key, String name, String tenant) {
    Resource.Builder r = Resource.newBuilder().addAttributes(Otlp.str("cloud.region", "eu-west-1"));
    if (name != null) {
      r.addAttributes(Otlp.str(key, name));
    }
    if (tenant != null) {
      r.addAttributes(Otlp.str("lambdascope.tenant", tenant));
    }
    return r.build();
  }

  @Test
  void everyResourceOfSpansAndLogsTeachesItsFunctionsTenant() throws Exception {
    TenantDirectory d = new TenantDirectory();
    ExportTraceServiceRequest spans = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource("faas.name", "orders", "acme"))
            .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder()
                .addSpans(Otlp.span("orders", "r1").span())))
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource("service.name", "billing", "globex")))
        .build();
    TenantLearner.scan(null, spans.toByteArray(), d);
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource("faas.name", null, "initech")))
        .build();
    TenantLearner.scan("keyed-fn".getBytes(StandardCharsets.UTF_8), logs.toByteArray(), d);
    TenantLearner.scan(null, ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(resource("faas.name", "untold", null))).build().toByteArray(), d);

    assertEquals("acme", d.tenant("orders"));
    assertEquals("globex", d.tenant("billing"), "service.name when there is no faas.name");
    assertEquals("initech", d.tenant("keyed-fn"), "the Kafka key when the resource names no function");
    assertNull(d.tenant("untold"), "no tenant stamped: operators only");
    assertNull(d.tenant("other"));
  }

  @Test
  void aNameUnderTwoTenantsBelongsToNeither() {
    TenantDirectory d = new TenantDirectory();
    d.learn("shared", "acme");
    d.learn("shared", "acme");
    assertEquals("acme", d.tenant("shared"));
    d.learn("shared", "globex");
    assertNull(d.tenant("shared"));
    d.learn("shared", "acme");
    assertNull(d.tenant("shared"), "once shared, shared");
  }

  @Test
  void garbageIsLeftToTheDecoders() {
    TenantDirectory d = new TenantDirectory();
    new TenantLearner(d).process(new org.apache.kafka.streams.processor.api.Record<>(
        null, new byte[] {0x0a, (byte) 0xff, 0x01, 0x02}, 0L));
    new TenantLearner(d).process(new org.apache.kafka.streams.processor.api.Record<>(null, new byte[0], 0L));
    assertNull(d.tenant("anything"));
  }
}
