package io.lambdascope.processor.decode;

import static io.lambdascope.processor.topology.TopologyHarness.invocations;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.topology.TopologyHarness;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Records that cannot be used are counted by topic and reason and skipped; the stream goes on. */
class DecodeFailuresTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 4);

  private static String failures(String reason, String topic) {
    return "lambdascope_processor_decode_failures_total{reason=\"" + reason + "\",topic=\"" + topic + "\"}";
  }

  @Test
  void undecodableRecordsAreCountedAndSkipped() {
    h.span("f", "garbage".getBytes(StandardCharsets.UTF_8));
    h.log("f", new byte[] {(byte) 0xff, 0x01, 0x02});
    h.span("f", new byte[0]);
    h.span(null, Otlp.spans("", 0, Otlp.span("", "x").span()));
    h.log("f", Otlp.logs("f", LogRecord.newBuilder().addAttributes(Otlp.str("event.name", "platform.report")).build()));
    h.span("f", Otlp.span("f", "ok").request());
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(failures("invalid_protobuf", "otlp_spans")));
    assertEquals(1, m.get(failures("invalid_protobuf", "otlp_logs")));
    assertEquals(1, m.get(failures("empty_value", "otlp_spans")));
    assertEquals(1, m.get(failures("missing_function", "otlp_spans")));
    assertEquals(1, m.get(failures("missing_invocation_id", "otlp_logs")));
    assertEquals(5, m.keySet().stream().filter(k -> k.startsWith("lambdascope_processor_decode_failures_total{")).count(),
        "no other reason: " + m);
    assertEquals(1, m.get(invocations("f", "other", "success")), "the stream goes on");
    assertEquals(4, m.get("lambdascope_processor_records_total{topic=\"otlp_spans\"}"));
    assertEquals(2, m.get("lambdascope_processor_records_total{topic=\"otlp_logs\"}"));
  }

  @Test
  void otherTelemetryIsSkippedWithoutAFailure() {
    // A span without faas.invocation_id and a log record that is not a platform event: someone else's.
    h.span("f", Otlp.spans("f", 0, io.opentelemetry.proto.trace.v1.Span.newBuilder().setName("GET /").build()));
    h.log("f", Otlp.logs("f", LogRecord.newBuilder().addAttributes(Otlp.str("event.name", "app.audit")).build()));
    Map<String, Double> m = h.metrics();
    assertEquals(0, m.keySet().stream().filter(k -> k.startsWith("lambdascope_processor_decode_failures_total{")).count(),
        m.toString());
    assertEquals(0, m.keySet().stream().filter(k -> k.contains("function=")).count(), "nothing learnt: " + m);
    assertEquals(1, m.get("lambdascope_processor_records_total{topic=\"otlp_spans\"}"));
  }
}
