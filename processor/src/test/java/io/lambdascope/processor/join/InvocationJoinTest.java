package io.lambdascope.processor.join;

import static io.lambdascope.processor.topology.TopologyHarness.invocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.topology.TopologyHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Joining a span with its platform report: outcome precedence, waits, timeout corrections, late records. */
class InvocationJoinTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 4);

  private List<String> decidedIds() {
    return h.decided().stream().map(DecidedInvocation::invocationId).toList();
  }

  @Test
  void platformReportWinsOverTheSpan() {
    h.teachReports("f");
    h.span("f", Otlp.span("f", "r1").trigger("http").duration(20).request());
    assertEquals(List.of("warmup"), decidedIds(), "r1 waits for its report");
    assertNull(h.metrics().get(invocations("f", "http", "success")));
    h.log("f", Otlp.report("f", "r1", "error", 250.0, -1, 300, "Runtime.ExitError"));
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(invocations("f", "http", "error")));
    assertEquals(0.0, m.get(invocations("f", "http", "success")));
    assertEquals(1, m.get(Series.of("faas_errors_total", "f", "error_type", "Runtime.ExitError", "faas_version", "$LATEST")));
    assertEquals(0.251, m.get(Series.of("faas_invoke_duration_seconds_sum", "f")), 1e-9);
    assertEquals(300L << 20, m.get(Series.of("faas_mem_usage_bytes", "f")));
    assertEquals("span+report", h.decided().get(1).basis());
  }

  @Test
  void spanWithoutItsReportIsDecidedAfterTheWait() {
    h.teachReports("f");
    h.span("f", Otlp.span("f", "r1").request());
    h.advance(Duration.ofSeconds(5));
    assertEquals(1, h.metric(invocations("f", "other", "success")), "only the warm-up so far");
    h.advance(Duration.ofSeconds(6));
    assertEquals(2, h.metric(invocations("f", "other", "success")));
    assertEquals("span", h.decided().get(1).basis());
    h.log("f", Otlp.report("f", "r1", "success", 12, -1, 10, null));
    h.advance(Duration.ofSeconds(11));
    assertEquals(2, h.metric(invocations("f", "other", "success")), "a late report is absorbed, not counted again");
    assertEquals(List.of("warmup", "r1"), decidedIds());
  }

  @Test
  void platformTimeoutWithoutAnySpanIsATimeout() {
    h.teachReports("f");
    h.log("f", Otlp.report("f", "r1", "timeout", 3000, -1, 10, null));
    h.advance(Duration.ofSeconds(11));
    assertEquals(1, h.metric(invocations("f", "other", "timeout")));
    assertEquals(1, h.metric(Series.of("faas_timeouts_total", "f")));
    assertEquals("report", h.decided().get(h.decided().size() - 1).basis());
  }

  @Test
  void correctedProvisionalTimeoutCountsOnlyTheCorrection() {
    Otlp.SpanBuilder watchdog = Otlp.span("f", "r1").provisionalTimeout("at Handler.slow(Handler.java:42)").duration(2900);
    h.span("f", watchdog.request());
    assertTrue(h.decided().isEmpty(), "provisional: waits for a correction");
    h.advance(Duration.ofSeconds(2));
    h.span("f", Otlp.span("f", "r1").sameSpanAs(watchdog).duration(2950).request());
    h.advance(Duration.ofSeconds(20));
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(invocations("f", "other", "success")));
    assertEquals(0.0, m.get(invocations("f", "other", "timeout")), "shown at 0, never counted");
    assertEquals(0.0, m.get(Series.of("faas_timeouts_total", "f")));
    assertEquals(List.of("r1"), decidedIds());
  }

  @Test
  void uncorrectedProvisionalTimeoutIsATimeoutAfterTheGrace() {
    Otlp.SpanBuilder watchdog = Otlp.span("f", "r1").provisionalTimeout("at Handler.slow(Handler.java:42)").duration(2900);
    h.span("f", watchdog.request());
    h.advance(Duration.ofSeconds(9));
    assertTrue(h.decided().isEmpty(), "still within the grace");
    h.advance(Duration.ofSeconds(2));
    assertEquals(1, h.metric(invocations("f", "other", "timeout")));
    assertEquals(1, h.metric(Series.of("faas_timeouts_total", "f")));
    DecidedInvocation i = h.decided().get(0);
    assertEquals("provisional-timeout", i.basis());
    assertEquals("at Handler.slow(Handler.java:42)", i.timeoutStack());
    // The correction arrives too late: the timeout stands, nothing is counted twice.
    h.span("f", Otlp.span("f", "r1").sameSpanAs(watchdog).request());
    h.advance(Duration.ofSeconds(11));
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(invocations("f", "other", "timeout")));
    assertEquals(0.0, m.get(invocations("f", "other", "success")));
    assertEquals(1, h.decided().size());
  }

  @Test
  void platformTimeoutBeatsTheProvisionalRecordAtOnce() {
    h.teachReports("f");
    h.span("f", Otlp.span("f", "r1").provisionalTimeout("stack").request());
    h.log("f", Otlp.report("f", "r1", "timeout", 3000, -1, 10, null));
    assertEquals(1, h.metric(invocations("f", "other", "timeout")));
    assertEquals(3.0 + 0.001, h.metric(Series.of("faas_invoke_duration_seconds_sum", "f")), 1e-9);
  }

  @Test
  void theSameRecordConsumedTwiceCountsOnce() {
    byte[] record = Otlp.span("f", "a1").record("sqs", "m-1", 1).request();
    h.span("f", record);
    h.span("f", record);
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(invocations("f", "other", "success")));
    assertEquals(0.0, m.get(Series.of("lambdascope_duplicates_total", "f", "kind", "redelivery")));
    assertEquals(0.0, m.get(Series.of("lambdascope_duplicates_total", "f", "kind", "replay")));
    assertEquals(List.of("a1"), decidedIds());
  }
}
