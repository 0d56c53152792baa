package io.lambdascope.processor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.topology.TopologyHarness;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrency gauges from known overlapping invocations (window 60 s, lateness 30 s: the defaults),
 * and GB-seconds and cost at the default prices, by architecture and component.
 */
class CostAndConcurrencyTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(20, 100);

  private static final long MS = 1_000_000L;
  /** The start of a window two windows before the harness's wall clock starts. */
  private static final long BASE_MS = TopologyHarness.START.toEpochMilli() - 120_000;

  private void execution(String id, String instance, long startOffsetMs, long durationMs) {
    h.span("f", Otlp.span(Otlp.Identity.of("f").instance(instance), id).start((BASE_MS + startOffsetMs) * MS)
        .duration(durationMs).request());
  }

  private double gauge(String name) {
    Double v = h.metrics().get(Series.of(name, "f"));
    return v == null ? Double.NaN : v;
  }

  @Test
  void peakAndAverageOfTheLastCompleteWindowFromOverlappingInvocationsInAnyOrder() {
    // Window [0 s, 60 s): A 0-30, B 10-20, C 15-40, E 30-35 (after A in A's environment), D 50-70
    // (10 s of it inside). Peak 3 (A, B, C at 15-20 s); time inside 30 + 10 + 25 + 5 + 10 = 80 s.
    execution("d", "env-4", 50_000, 20_000);
    execution("b", "env-2", 10_000, 10_000);
    execution("a", "env-1", 0, 30_000);
    execution("e", "env-1", 30_000, 5_000);
    execution("c", "env-3", 15_000, 25_000);
    assertEquals(3, gauge("lambdascope_concurrent_executions_max"));
    assertEquals(80.0 / 60, gauge("lambdascope_concurrent_executions_avg"), 1e-12);

    // A window later the next one is complete: D's last 10 s.
    h.advance(Duration.ofSeconds(60));
    assertEquals(1, gauge("lambdascope_concurrent_executions_max"));
    assertEquals(10.0 / 60, gauge("lambdascope_concurrent_executions_avg"), 1e-12);

    // An invocation ending at 400 s closes the windows that ended 30 s before it; one of them is
    // then too late: left out (and accounted for), while the windows shown move on.
    execution("g", "env-1", 390_000, 10_000);
    execution("late", "env-2", 100_000, 10_000);
    FunctionId id = h.functions().keySet().iterator().next();
    assertEquals(10_000, h.functions().get(id).concurrency().lateMs());
    assertEquals(0, gauge("lambdascope_concurrent_executions_max"), "the window [300 s, 360 s) had none");
    assertEquals(0, gauge("lambdascope_concurrent_executions_avg"));
  }

  @Test
  void gbSecondsAndCostByArchitectureAndComponent() {
    Otlp.Identity provisioned = Otlp.Identity.of("f").instance("env-p");
    Otlp.Identity onDemand = Otlp.Identity.of("f").instance("env-o");
    h.log("f", Otlp.initEvent(provisioned, "platform.initStart", "provisioned-concurrency", null, null, -1));
    // Decided from its span (no report seen yet), priced when its report comes: 1 s at 1 GB, provisioned.
    h.span("f", Otlp.span(provisioned, "r1").hostArch("aarch64").memory(100L << 20, 1024L << 20).request());
    h.log("f", Otlp.report(provisioned, "r1").memorySize(1024).billed(1000).request());
    // Span and report together: 0.5 s at 2 GB on demand, timed out.
    h.span("f", Otlp.span(onDemand, "r2").hostArch("aarch64").memory(100L << 20, 2048L << 20).request());
    h.log("f", Otlp.report(onDemand, "r2").status("timeout").memorySize(2048).billed(500).request());

    Map<String, Double> m = h.metrics();
    assertEquals(2.0, m.get(Series.of("lambdascope_gb_seconds_total", "f", "architecture", "arm64")), m.toString());
    assertNull(m.get(Series.of("lambdascope_gb_seconds_total", "f", "architecture", "x86_64")),
        "not an architecture of the function");
    assertEquals(2 * 0.0000002, m.get(cost("requests")), 1e-18);
    assertEquals(0.0000133334, m.get(cost("duration")), 1e-18);
    assertEquals(0.0000077778, m.get(cost("provisioned_duration")), 1e-18);
    assertEquals(0.5, m.get(Series.of("lambdascope_timeout_billed_seconds_total", "f")));
    assertEquals(1.5, m.get(Series.of("lambdascope_billed_duration_seconds_total", "f")));

    String readOn = "2026-12-02";
    assertEquals(0.0000041667, m.get(Series.plain("lambdascope_price_usd", "architecture", "x86_64",
        "component", "provisioned_concurrency", "read_on", readOn)));
    assertEquals(0.0000166667, m.get(Series.plain("lambdascope_price_usd", "architecture", "x86_64",
        "component", "duration", "read_on", readOn)));
    assertEquals(0.0000002, m.get(Series.plain("lambdascope_price_usd", "architecture", "arm64",
        "component", "requests", "read_on", readOn)));
    assertEquals(8, m.keySet().stream().filter(k -> k.startsWith("lambdascope_price_usd{")).count());
  }

  @Test
  void aFunctionWithoutHostArchIsPricedAtTheDefaultArchitectureFromItsFirstRecord() {
    h.log("f", Otlp.startEvent("f", "s1"));
    Map<String, Double> m = h.metrics();
    assertEquals(0.0, m.get(Series.of("lambdascope_gb_seconds_total", "f", "architecture", "x86_64")));
    for (String component : new String[] {"requests", "duration", "provisioned_duration"}) {
      assertEquals(0.0, m.get(Series.of("lambdascope_cost_usd_total", "f", "architecture", "x86_64",
          "component", component)), component);
    }
    assertEquals(0.0, m.get(Series.of("lambdascope_timeout_billed_seconds_total", "f")));
    assertFalse(m.containsKey(Series.of("lambdascope_concurrent_executions_max", "f")), "no invocation yet");
  }

  private static String cost(String component) {
    return Series.of("lambdascope_cost_usd_total", "f", "architecture", "arm64", "component", component);
  }
}
