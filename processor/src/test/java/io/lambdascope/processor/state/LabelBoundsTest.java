package io.lambdascope.processor.state;

import static io.lambdascope.processor.topology.TopologyHarness.invocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.topology.TopologyHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bounded label values: at most 3 values of a free-form label per function, at most 4 functions per task. */
class LabelBoundsTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 4);

  @Test
  void errorTypesBeyondTheLimitFoldIntoOther() {
    for (int i = 0; i < 6; i++) {
      h.span("f", Otlp.span("f", "e" + i).error("com.example.Error" + i).request());
    }
    h.span("f", Otlp.span("f", "again").error("com.example.Error0").request());
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get(Series.of("faas_errors_total", "f", "error_type", "com.example.Error0", "faas_version", "$LATEST")));
    assertEquals(1, m.get(Series.of("faas_errors_total", "f", "error_type", "com.example.Error2", "faas_version", "$LATEST")));
    assertEquals(3, m.get(Series.of("faas_errors_total", "f", "error_type", "other", "faas_version", "$LATEST")));
    assertEquals(3, m.get(Series.plain("lambdascope_processor_folded_total", "kind", "label_value")));
    long series = m.keySet().stream().filter(k -> k.startsWith("faas_errors_total{")).count();
    assertEquals(4, series, "3 values + other");
    // Another function has its own budget.
    h.span("g", Otlp.span("g", "x").error("com.example.Error5").request());
    assertEquals(1, h.metrics().get(Series.of("faas_errors_total", "g", "error_type", "com.example.Error5", "faas_version", "$LATEST")));
  }

  @Test
  void downstreamServicesAndOperationsBeyondTheLimitFoldIntoOther() {
    for (int i = 0; i < 5; i++) {
      h.span("f", Otlp.span("f", "d" + i).downstreamThrottle("Service" + i, "Op" + i).request());
    }
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(Series.of("lambdascope_downstream_throttles_total", "f", "service", "Service2", "operation", "Op2")));
    assertEquals(2, m.get(Series.of("lambdascope_downstream_throttles_total", "f", "service", "other", "operation", "other")));
  }

  @Test
  void functionsBeyondTheLimitAreReportedAsOther() {
    for (int i = 0; i < 6; i++) {
      h.span("fn" + i, Otlp.span("fn" + i, "r").request());
    }
    h.span("fn0", Otlp.span("fn0", "r2").request());
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get(invocations("fn0", "other", "success")));
    assertEquals(1, m.get(invocations("fn3", "other", "success")));
    assertNull(m.get(invocations("fn4", "other", "success")));
    Otlp.Identity other = new Otlp.Identity("default", "other", "other", "other", null, null);
    assertEquals(2, m.get(Series.of("faas_invocations_total", other, "trigger", "other", "outcome", "success")),
        "fn4 and fn5, as their tenant's other");
    assertEquals(2, m.get(Series.plain("lambdascope_processor_folded_total", "kind", "function")));
    assertEquals(5, m.keySet().stream().filter(k -> k.startsWith("faas_invocations_total{"))
        .filter(k -> k.contains("outcome=\"success\"")).count());
    assertEquals(15, m.keySet().stream().filter(k -> k.startsWith("faas_invocations_total{")).count(),
        "each outcome of each (function, trigger) seen");
    assertNull(m.get(Series.of("faas_timeouts_total", "fn4")), "folded into other, not known by its name");
    assertEquals(0.0, m.get(Series.of("faas_timeouts_total", other)));
  }

  @Test
  void longLabelValuesAreCut() {
    String longType = "x".repeat(300);
    h.span("f", Otlp.span("f", "e").error(longType).request());
    assertEquals(1, h.metrics().get(Series.of("faas_errors_total", "f", "error_type", "x".repeat(128), "faas_version", "$LATEST")));
  }

  @Test
  void unknownTriggersFoldIntoOther() {
    h.span("f", Otlp.span("f", "t1").trigger("carrier-pigeon").request());
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(invocations("f", "other", "success")));
    assertEquals(0, m.keySet().stream().filter(k -> k.contains("carrier-pigeon")).count());
  }
}
