package io.lambdascope.collector.exporter.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.lambdascope.collector.signal.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting by resource and by size, for every signal shape, without Kafka. */
class ResourceSplitterTest {
  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static Metric gauge(String name, int points) {
    Gauge.Builder g = Gauge.newBuilder();
    for (int i = 0; i < points; i++) {
      g.addDataPoints(NumberDataPoint.newBuilder().setAsInt(i).setTimeUnixNano(i));
    }
    return Metric.newBuilder().setName(name).setGauge(g).build();
  }

  @Test
  void metricsCountDataPointsAndSplitAcrossScopesKeepingEveryScope() throws Exception {
    ResourceMetrics.Builder rm = ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(attr("service.name", "svc")));
    for (int s = 0; s < 3; s++) {
      ScopeMetrics.Builder scope = ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName("scope-" + s));
      for (int m = 0; m < 20; m++) {
        scope.addMetrics(gauge("m" + s + "." + m, 10));
      }
      rm.addScopeMetrics(scope);
    }
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(rm).build();

    SplitResult split = ResourceSplitter.split(Signal.METRICS, request, "acme", 2048);

    assertEquals(600, split.receivedItems());
    assertEquals(0, split.rejectedItems());
    assertTrue(split.records().size() > 3, "records: " + split.records().size());
    List<String> names = new ArrayList<>();
    long points = 0;
    for (KafkaRecord r : split.records()) {
      assertTrue(r.value().length <= 2048, "record of " + r.value().length);
      assertArrayEquals("acme///svc".getBytes(StandardCharsets.UTF_8), r.key(), "service.name names it without faas.name");
      ExportMetricsServiceRequest v = ExportMetricsServiceRequest.parseFrom(r.value());
      assertEquals(1, v.getResourceMetricsCount());
      assertEquals("acme", v.getResourceMetrics(0).getResource().getAttributes(1).getValue().getStringValue());
      long recordPoints = 0;
      for (ScopeMetrics sm : v.getResourceMetrics(0).getScopeMetricsList()) {
        assertTrue(sm.getScope().getName().startsWith("scope-"), "the scope travels with its metrics");
        for (Metric m : sm.getMetricsList()) {
          names.add(m.getName());
          recordPoints += m.getGauge().getDataPointsCount();
        }
      }
      assertEquals(recordPoints, r.items());
      points += recordPoints;
    }
    assertEquals(600, points);
    assertEquals(60, names.size());
    assertEquals(60, names.stream().distinct().count());
  }

  @Test
  void anItemLargerThanAMessageIsRejectedAndTheRestKept() throws Exception {
    LogRecord small = LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("ok")).build();
    LogRecord huge = LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("x".repeat(5000))).build();
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(attr("faas.name", "fn")).addAttributes(attr("service.name", "other")))
        .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(small).addLogRecords(huge).addLogRecords(small)))
        .build();

    SplitResult split = ResourceSplitter.split(Signal.LOGS, request, "t", 2048);

    assertEquals(3, split.receivedItems());
    assertEquals(1, split.rejectedItems());
    assertTrue(split.rejectionMessage().contains("Kafka message limit"), split.rejectionMessage());
    long kept = 0;
    for (KafkaRecord r : split.records()) {
      assertArrayEquals("t///fn".getBytes(StandardCharsets.UTF_8), r.key(), "faas.name wins over service.name");
      kept += ExportLogsServiceRequest.parseFrom(r.value()).getResourceLogs(0).getScopeLogs(0).getLogRecordsCount();
    }
    assertEquals(2, kept);
  }

  @Test
  void resourcesWithoutItemsAreNotWrittenAndNamelessResourcesHaveTheTenantAlone() throws Exception {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(Resource.newBuilder().addAttributes(attr("faas.name", "empty"))))
        .addResourceLogs(ResourceLogs.newBuilder()
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])))))
        .build();

    SplitResult split = ResourceSplitter.split(Signal.LOGS, request, "default", 1 << 20);

    assertEquals(1, split.records().size());
    assertArrayEquals("default///".getBytes(StandardCharsets.UTF_8), split.records().get(0).key());
    Resource stamped = ExportLogsServiceRequest.parseFrom(split.records().get(0).value()).getResourceLogs(0).getResource();
    assertEquals(List.of(attr("lambdascope.tenant", "default")), stamped.getAttributesList());
  }

  @Test
  void theKeyIsTenantAccountRegionAndFunction() {
    Resource spans = Resource.newBuilder().addAttributes(attr("service.name", "orders"))
        .addAttributes(attr("faas.name", "orders")).addAttributes(attr("cloud.region", "eu-west-1"))
        .addAttributes(attr("cloud.account.id", "111111111111")).addAttributes(attr("faas.instance", "env-1"))
        .addAttributes(attr("lambdascope.tenant", "sent by the client")).build();
    String key = key(Signal.TRACES, spans, "acme");
    assertEquals("acme/111111111111/eu-west-1/orders", key, "the tenant is the collector's, not the client's");
    Resource platform = Resource.newBuilder().addAttributes(attr("faas.name", "orders"))
        .addAttributes(attr("service.name", "orders")).addAttributes(attr("faas.version", "7"))
        .addAttributes(attr("cloud.account.id", "111111111111")).addAttributes(attr("cloud.region", "eu-west-1"))
        .addAttributes(attr("faas.instance", "env-2")).build();
    assertEquals(key, key(Signal.PLATFORM, platform, "acme"), "one function's spans and platform events share a key");
    Resource otherAccount = platform.toBuilder().setAttributes(3, attr("cloud.account.id", "222222222222")).build();
    assertEquals("acme/222222222222/eu-west-1/orders", key(Signal.PLATFORM, otherAccount, "acme"));
    assertNotEquals(key, key(Signal.TRACES, spans, "other-tenant"));
    Resource nameless = Resource.newBuilder().addAttributes(attr("cloud.region", "us-east-1")).build();
    assertEquals("acme//us-east-1/", key(Signal.TRACES, nameless, "acme"), "a missing part is empty");
  }

  private static String key(Signal signal, Resource resource, String tenant) {
    Message request;
    if (signal == Signal.TRACES) {
      request = ExportTraceServiceRequest.newBuilder()
          .addResourceSpans(ResourceSpans.newBuilder().setResource(resource)
              .addScopeSpans(ScopeSpans.newBuilder()
                  .addSpans(Span.newBuilder()
                      .setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(ByteString.copyFrom(new byte[8])))))
          .build();
    } else {
      request = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(resource)
          .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.getDefaultInstance()))).build();
    }
    SplitResult split = ResourceSplitter.split(signal, request, tenant, 1 << 20);
    assertEquals(1, split.records().size());
    return new String(split.records().get(0).key(), StandardCharsets.UTF_8);
  }
}
