package io.lambdascope.processor.metrics;

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

/** Counters as /metrics shows them: throttles, and every counter without free-form labels at 0 from a function's first record. */
class CountersTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 4);

  @Test
  void throttlesAndOtherPlatformEventsOfOtherKinds() {
    h.log("f", Otlp.throttle("f", "t1"));
    h.log("f", Otlp.throttle("f", "t2"));
    h.log("f", Otlp.startEvent("f", "s1"));
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get(Series.of("faas_throttles_total", "f")));
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("faas_invocations_total{")), "no invocation: " + m);
    assertTrue(h.decided().isEmpty());
  }

  /** Series of a function's counters without free-form labels (docs/telemetry.md section 4). */
  private static List<String> zeroFromTheStart(String fn) {
    return List.of(Series.of("faas_coldstarts_total", fn, "init_type", "on-demand"),
        Series.of("faas_timeouts_total", fn), Series.of("faas_throttles_total", fn),
        Series.of("lambdascope_agent_dropped_spans_total", fn), Series.of("lambdascope_agent_dropped_events_total", fn),
        Series.of("lambdascope_agent_uninstrumented_total", fn),
        Series.of("lambdascope_duplicates_total", fn, "kind", "redelivery"),
        Series.of("lambdascope_duplicates_total", fn, "kind", "retry"),
        Series.of("lambdascope_duplicates_total", fn, "kind", "replay"));
  }

  /** Zeros that stay zeros in the test below: the other init types, billed duration (no reports). */
  private static List<String> zeroThroughout(String fn) {
    return List.of(Series.of("faas_coldstarts_total", fn, "init_type", "provisioned-concurrency"),
        Series.of("faas_coldstarts_total", fn, "init_type", "snap-start"),
        Series.of("faas_coldstarts_total", fn, "init_type", "unknown"),
        Series.of("lambdascope_billed_duration_seconds_total", fn));
  }

  @Test
  void countersAreShownAtZeroFromTheFunctionsFirstRecordSoTheFirstIncrementIsSeen() {
    assertTrue(h.metrics().keySet().stream().noneMatch(k -> k.contains("function=")), "nothing known yet");
    assertEquals(0.0, h.metrics().get(Series.plain("lambdascope_processor_folded_total", "kind", "function")),
        "pipeline counters from the start");

    h.log("f", Otlp.startEvent("f", "s1"));
    Map<String, Double> m = h.metrics();
    for (String series : zeroFromTheStart("f")) {
      assertEquals(0.0, m.get(series), series + " after a platform event that counts nothing");
    }
    for (String series : zeroThroughout("f")) {
      assertEquals(0.0, m.get(series), series + " after a platform event that counts nothing");
    }
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("faas_errors_total{")), "error_type is not known");
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("faas_invocations_total{")), "no trigger seen yet");

    h.span("f", Otlp.span("f", "r1").trigger("http").request());
    m = h.metrics();
    assertEquals(1.0, m.get(invocations("f", "http", "success")));
    assertEquals(0.0, m.get(invocations("f", "http", "error")));
    assertEquals(0.0, m.get(invocations("f", "http", "timeout")));
    assertNull(m.get(invocations("f", "other", "timeout")), "only triggers the function was seen with");

    // One of each: every series goes from 0 to 1.
    h.log("f", Otlp.throttle("f", "t1"));
    h.span("f", Otlp.span("f", "r2").trigger("http").cold(100).dropped(1).droppedEvents(1).request());
    h.log("f", Otlp.uninstrumented(Otlp.Identity.of("f").instance("env-2")));
    h.span("f", Otlp.span("f", "r3").trigger("http").provisionalTimeout("stack").request());
    h.advance(Duration.ofSeconds(11));
    h.span("f", Otlp.span("f", "a1").trigger("http").record("sqs", "m-1", 1).request());
    h.span("f", Otlp.span("f", "a2").trigger("http").record("sqs", "m-1", 2).request());
    h.span("f", Otlp.span("f", "b1").trigger("http").record("lambda", "req-9", -1).request());
    h.span("f", Otlp.span("f", "req-9").trigger("http").record("lambda", "req-9", -1).request());
    h.span("f", Otlp.span("f", "c1").trigger("http").record("eventbridge", "evt-1", -1).request());
    h.span("f", Otlp.span("f", "c2").trigger("http").record("eventbridge", "evt-1", -1).request());
    m = h.metrics();
    for (String series : zeroFromTheStart("f")) {
      assertEquals(1.0, m.get(series), series + " after one");
    }
    for (String series : zeroThroughout("f")) {
      assertEquals(0.0, m.get(series), series);
    }
    assertEquals(1.0, m.get(invocations("f", "http", "timeout")));
    assertEquals(0.0, m.get(invocations("f", "http", "error")));

    // A function first seen through a span has them as well.
    h.span("g", Otlp.span("g", "x").trigger("timer").request());
    m = h.metrics();
    for (String series : zeroFromTheStart("g")) {
      assertEquals(0.0, m.get(series), series);
    }
    assertEquals(0.0, m.get(invocations("g", "timer", "error")));
  }
}
