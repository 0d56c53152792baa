package io.lambdascope.processor.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.topology.TopologyHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the platform's own events add: init types and durations, restore, billed duration, memory, ratios, init failures. */
class PlatformReportsTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 10);

  private static Otlp.Identity env(String instance) {
    return Otlp.Identity.of("f").instance(instance);
  }

  private static String s(String metric, String... labels) {
    return Series.of(metric, "f", labels);
  }

  @Test
  void aColdStartTakesThePlatformsInitTypeAndItsBestInitDuration() {
    h.teachReports("f");
    // SnapStart: initStart says so; the report has a restore duration (here only in its body).
    h.log("f", Otlp.initEvent(env("snap"), "platform.initStart", "snap-start", null, null, -1));
    h.span("f", Otlp.span(env("snap"), "r1").cold(900).initType("on-demand").request());
    h.log("f", Otlp.report(env("snap"), "r1").restoreInBodyOnly(250).request());
    // Provisioned concurrency: the init happened earlier; its initReport has the duration.
    h.log("f", Otlp.initEvent(env("pc"), "platform.initStart", "provisioned-concurrency", null, null, -1));
    h.log("f", Otlp.initEvent(env("pc"), "platform.initReport", "provisioned-concurrency", "success", null, 1500));
    h.span("f", Otlp.span(env("pc"), "r2").cold(40_000).initType("provisioned-concurrency").request());
    h.log("f", Otlp.report(env("pc"), "r2").request());
    // On demand: the report's initDurationMs wins over the agent's.
    h.span("f", Otlp.span(env("od"), "r3").cold(700).request());
    h.log("f", Otlp.report(env("od"), "r3").init(800).request());
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(s("faas_coldstarts_total", "init_type", "snap-start")));
    assertEquals(1, m.get(s("faas_coldstarts_total", "init_type", "provisioned-concurrency")));
    assertEquals(1, m.get(s("faas_coldstarts_total", "init_type", "on-demand")));
    assertEquals(0, m.get(s("faas_coldstarts_total", "init_type", "unknown")));
    assertEquals(0.9, m.get(s("faas_init_duration_seconds_sum", "init_type", "snap-start")), 1e-9);
    assertEquals(1.5, m.get(s("faas_init_duration_seconds_sum", "init_type", "provisioned-concurrency")), 1e-9);
    assertEquals(0.8, m.get(s("faas_init_duration_seconds_sum", "init_type", "on-demand")), 1e-9);
    assertEquals(1, m.get(s("lambdascope_restore_duration_seconds_count")));
    assertEquals(0.25, m.get(s("lambdascope_restore_duration_seconds_sum")), 1e-9);
    assertEquals(1, m.get(s("lambdascope_restore_duration_seconds_bucket", "le", "0.25")));
  }

  @Test
  void billedDurationMemoryAndRatiosComeFromTheReport() {
    h.teachReports("f");
    h.span("f", Otlp.span("f", "r1").timeoutMs(1000).duration(840).memory(100L << 20, 512L << 20).request());
    h.log("f", Otlp.report("f", "r1").duration(850).billed(900).maxMemoryUsed(256).request());
    Map<String, Double> m = h.metrics();
    assertEquals(0.001 + 0.9, m.get(s("lambdascope_billed_duration_seconds_total")), 1e-9, "warm-up's 1 ms and 900 ms");
    assertEquals(256L << 20, m.get(s("faas_mem_usage_bytes")), "the platform's maxMemoryUsedMB, not the JVM's RSS");
    // The warm-up used 10 of 512 MiB (decided from its report alone: its timeout was not known yet);
    // r1 used 256 of 512 MiB in 850 of 1,000 ms.
    assertEquals(2, m.get(s("lambdascope_memory_limit_ratio_count")));
    assertEquals(2, m.get(s("lambdascope_memory_limit_ratio_bucket", "le", "0.5")));
    assertEquals(1, m.get(s("lambdascope_duration_timeout_ratio_count")));
    assertEquals(0, m.get(s("lambdascope_duration_timeout_ratio_bucket", "le", "0.8")));
    assertEquals(1, m.get(s("lambdascope_duration_timeout_ratio_bucket", "le", "0.9")));
  }

  @Test
  void aPlatformFailureIsAnErrorOfThePlatformsErrorType() {
    h.teachReports("f");
    h.span("f", Otlp.span("f", "r1").trigger("http").request());
    h.log("f", Otlp.report("f", "r1").status("failure").errorType("Runtime.OutOfMemory").request());
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(s("faas_invocations_total", "trigger", "http", "outcome", "error")));
    assertEquals(0, m.get(s("faas_invocations_total", "trigger", "http", "outcome", "success")));
    assertEquals(1, m.get(s("faas_errors_total", "error_type", "Runtime.OutOfMemory", "faas_version", "$LATEST")));
  }

  @Test
  void initFailuresAndUninstrumentedEnvironmentsCountOncePerEnvironment() {
    h.log("f", Otlp.initEvent(env("e1"), "platform.initRuntimeDone", "on-demand", "error", "Runtime.ExitError", -1));
    h.log("f", Otlp.initEvent(env("e1"), "platform.initReport", "on-demand", "error", "Runtime.ExitError", 120));
    h.log("f", Otlp.initEvent(env("e2"), "platform.initReport", "on-demand", "timeout", "Sandbox.Timedout", 10000));
    h.log("f", Otlp.initEvent(env("e3"), "platform.initReport", "on-demand", "success", null, 300));
    h.log("f", Otlp.uninstrumented(env("e4")));
    h.log("f", Otlp.uninstrumented(env("e4")));
    h.log("f", Otlp.uninstrumented(env("e5")));
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(s("lambdascope_init_failures_total", "error_type", "Runtime.ExitError")));
    assertEquals(1, m.get(s("lambdascope_init_failures_total", "error_type", "Sandbox.Timedout")));
    assertEquals(2, m.keySet().stream().filter(k -> k.startsWith("lambdascope_init_failures_total{")).count());
    assertEquals(2, m.get(s("lambdascope_agent_uninstrumented_total")));
    assertNull(m.get(s("faas_invocations_total", "trigger", "other", "outcome", "success")), "no invocation");
  }

  @Test
  void droppedEventsAreCountedFromTheSpan() {
    h.span("f", Otlp.span("f", "r1").droppedEvents(3).dropped(2).request());
    Map<String, Double> m = h.metrics();
    assertEquals(3, m.get(s("lambdascope_agent_dropped_events_total")));
    assertEquals(2, m.get(s("lambdascope_agent_dropped_spans_total")));
  }
}
