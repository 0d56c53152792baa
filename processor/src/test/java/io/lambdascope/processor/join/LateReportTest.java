package io.lambdascope.processor.join;

import static io.lambdascope.processor.topology.TopologyHarness.invocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.topology.TopologyHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The report of invocation N usually comes during invocation N+1 or when the environment shuts
 * down: an invocation decided from its span alone still takes its report's figures when the report
 * comes within the late window, and is never counted twice.
 */
class LateReportTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 10).lateReportWindow(Duration.ofMinutes(30));

  private static String s(String metric, String... labels) {
    return Series.of(metric, "f", labels);
  }

  /** r1, cold, decided from its span once the report wait is over. */
  private void spanDecidedAlone() {
    h.teachReports("f");
    h.span("f", Otlp.span("f", "r1").cold(700).timeoutMs(1000).duration(300).memory(300L << 20, 512L << 20).request());
    h.advance(Duration.ofSeconds(11));
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get(invocations("f", "other", "success")), "warm-up and r1");
    assertEquals(1, m.get(s("faas_coldstarts_total", "init_type", "on-demand")));
    assertNull(m.get(s("faas_init_duration_seconds_count", "init_type", "on-demand")), "its init waits for the report");
    assertEquals(10L << 20, m.get(s("faas_mem_usage_bytes")), "the warm-up's: r1's memory waits for the report");
    assertEquals(0.001, m.get(s("lambdascope_billed_duration_seconds_total")), 1e-9);
  }

  @Test
  void aLateReportAddsItsFiguresWithoutCountingTheInvocationAgain() {
    spanDecidedAlone();
    h.advance(Duration.ofMinutes(5)); // the environment was idle; the report comes with its next invocation
    byte[] report = Otlp.report("f", "r1").status("timeout").duration(990).init(800).billed(1000).maxMemoryUsed(256)
        .request();
    h.log("f", report);
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get(invocations("f", "other", "success")), "not counted again, its outcome stands");
    assertEquals(0, m.get(invocations("f", "other", "timeout")));
    assertEquals(1, m.get(s("faas_init_duration_seconds_count", "init_type", "on-demand")));
    assertEquals(0.8, m.get(s("faas_init_duration_seconds_sum", "init_type", "on-demand")), 1e-9, "the platform's");
    assertEquals(1.001, m.get(s("lambdascope_billed_duration_seconds_total")), 1e-9);
    assertEquals(256L << 20, m.get(s("faas_mem_usage_bytes")));
    assertEquals(2, m.get(s("lambdascope_memory_limit_ratio_count")));
    assertEquals(List.of("warmup", "r1"), h.decided().stream().map(DecidedInvocation::invocationId).toList());

    // The same report again, and much later: nothing.
    h.log("f", report);
    h.advance(Duration.ofHours(2));
    m = h.metrics();
    assertEquals(2, m.get(invocations("f", "other", "success")));
    assertEquals(1.001, m.get(s("lambdascope_billed_duration_seconds_total")), 1e-9);
    assertEquals(1, m.get(s("faas_init_duration_seconds_count", "init_type", "on-demand")));
  }

  @Test
  void whenTheLateWindowEndsTheSpansOwnFiguresCount() {
    spanDecidedAlone();
    h.advance(Duration.ofMinutes(31));
    Map<String, Double> m = h.metrics();
    assertEquals(0.7, m.get(s("faas_init_duration_seconds_sum", "init_type", "on-demand")), 1e-9, "the agent's");
    assertEquals(300L << 20, m.get(s("faas_mem_usage_bytes")), "the span's peak RSS");
    assertEquals(0.001, m.get(s("lambdascope_billed_duration_seconds_total")), 1e-9);
    // Its report after the window: counted neither as figures nor as an invocation.
    h.log("f", Otlp.report("f", "r1").init(800).billed(1000).maxMemoryUsed(256).request());
    h.advance(Duration.ofSeconds(11));
    m = h.metrics();
    assertEquals(2, m.get(invocations("f", "other", "success")));
    assertEquals(0.001, m.get(s("lambdascope_billed_duration_seconds_total")), 1e-9);
    assertEquals(1, m.get(s("faas_init_duration_seconds_count", "init_type", "on-demand")));
  }

  @Test
  void anAsyncRetryUnderTheSameRequestIdIsANewInvocation() {
    spanDecidedAlone();
    // Lambda retries r1 (same request id, new span); the first attempt's report never came.
    h.span("f", Otlp.span("f", "r1").record("lambda", "r1", -1).request());
    h.log("f", Otlp.report("f", "r1").billed(40).request());
    Map<String, Double> m = h.metrics();
    assertEquals(3, m.get(invocations("f", "other", "success")));
    assertEquals(0.7, m.get(s("faas_init_duration_seconds_sum", "init_type", "on-demand")), 1e-9,
        "the first attempt's figures are its span's");
    assertEquals(0.041, m.get(s("lambdascope_billed_duration_seconds_total")), 1e-9);
  }

  @Test
  void aLateSpanOfAnInvocationDecidedFromItsReportIsNotCountedAgain() {
    h.teachReports("f");
    h.log("f", Otlp.report("f", "r1").status("error").errorType("Runtime.ExitError").request());
    h.advance(Duration.ofSeconds(11));
    h.advance(Duration.ofMinutes(3));
    h.span("f", Otlp.span("f", "r1").trigger("http").error("java.lang.IllegalStateException").request());
    h.advance(Duration.ofSeconds(11));
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(invocations("f", "other", "error")));
    assertNull(m.get(invocations("f", "http", "error")), "the late span does not count it again");
    assertEquals(List.of("warmup", "r1"), h.decided().stream().map(DecidedInvocation::invocationId).toList());
  }
}
