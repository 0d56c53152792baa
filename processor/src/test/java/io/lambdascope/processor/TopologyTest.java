package io.lambdascope.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.processor.internal.Invocation;
import io.lambdascope.processor.internal.RecentInvocations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine cases of joining, outcomes, duplicates, label folding and bad input, on TopologyTestDriver. */
class TopologyTest {
  @TempDir Path dir;
  TopologyHarness h;

  @BeforeEach
  void start() {
    h = new TopologyHarness(dir, 3, 4);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private static String inv(String fn, String trigger, String outcome) {
    return "faas_invocations_total{function=\"" + fn + "\",outcome=\"" + outcome + "\",trigger=\"" + trigger + "\"}";
  }

  private List<Invocation> recent() {
    return h.recent.query(i -> true, -1, 100).entries().stream().map(RecentInvocations.Entry::invocation).toList();
  }

  /** Teaches the processor that a function sends platform reports (its first report and span). */
  private void withReports(String fn) {
    h.log(fn, Otlp.report(fn, "warmup", "success", 1, -1, 10, null));
    h.span(fn, Otlp.span(fn, "warmup").request());
  }

  @Test
  void platformReportWinsOverTheSpan() {
    withReports("f");
    h.span("f", Otlp.span("f", "r1").trigger("http").duration(20).request());
    assertEquals(0, h.metric(inv("f", "http", "success")), "waits for the report");
    h.log("f", Otlp.report("f", "r1", "error", 250.0, -1, 300, "Runtime.ExitError"));
    assertEquals(1, h.metric(inv("f", "http", "error")));
    assertEquals(0, h.metric(inv("f", "http", "success")));
    assertEquals(1, h.metric("faas_errors_total{error_type=\"Runtime.ExitError\",function=\"f\"}"));
    assertEquals(0.251, h.metric("faas_invoke_duration_seconds_sum{function=\"f\"}"), 1e-9);
    assertEquals(300L << 20, h.metric("faas_mem_usage_bytes{function=\"f\"}"));
  }

  @Test
  void spanWithoutItsReportIsDecidedAfterTheWait() {
    withReports("f");
    h.span("f", Otlp.span("f", "r1").request());
    h.advance(Duration.ofSeconds(5));
    assertEquals(1, h.metric(inv("f", "other", "success")), "only the warm-up so far");
    h.advance(Duration.ofSeconds(6));
    assertEquals(2, h.metric(inv("f", "other", "success")));
    h.log("f", Otlp.report("f", "r1", "success", 12, -1, 10, null));
    h.advance(Duration.ofSeconds(11));
    assertEquals(2, h.metric(inv("f", "other", "success")), "a late report is absorbed, not counted again");
  }

  @Test
  void platformTimeoutWithoutAnySpanIsATimeout() {
    withReports("f");
    h.log("f", Otlp.report("f", "r1", "timeout", 3000, -1, 10, null));
    h.advance(Duration.ofSeconds(11));
    assertEquals(1, h.metric(inv("f", "other", "timeout")));
    assertEquals(1, h.metric("faas_timeouts_total{function=\"f\"}"));
    assertEquals("report", recent().get(recent().size() - 1).basis());
  }

  @Test
  void correctedProvisionalTimeoutCountsOnlyTheCorrection() {
    Otlp.SpanBuilder watchdog = Otlp.span("f", "r1").provisionalTimeout("at Handler.slow(Handler.java:42)").duration(2900);
    h.span("f", watchdog.request());
    assertEquals(0, h.metric(inv("f", "other", "timeout")), "provisional: waits for a correction");
    h.advance(Duration.ofSeconds(2));
    h.span("f", Otlp.span("f", "r1").sameSpanAs(watchdog).duration(2950).request());
    h.advance(Duration.ofSeconds(20));
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(inv("f", "other", "success")));
    assertEquals(0.0, m.get(inv("f", "other", "timeout")), "shown at 0, never counted");
    assertEquals(0.0, m.get("faas_timeouts_total{function=\"f\"}"));
  }

  @Test
  void uncorrectedProvisionalTimeoutIsATimeoutAfterTheGrace() {
    Otlp.SpanBuilder watchdog = Otlp.span("f", "r1").provisionalTimeout("at Handler.slow(Handler.java:42)").duration(2900);
    h.span("f", watchdog.request());
    h.advance(Duration.ofSeconds(9));
    assertEquals(0, h.metric(inv("f", "other", "timeout")));
    h.advance(Duration.ofSeconds(2));
    assertEquals(1, h.metric(inv("f", "other", "timeout")));
    assertEquals(1, h.metric("faas_timeouts_total{function=\"f\"}"));
    Invocation i = recent().get(0);
    assertEquals("provisional-timeout", i.basis());
    assertEquals("at Handler.slow(Handler.java:42)", i.timeoutStack());
    // The correction arrives too late: the timeout stands, nothing is counted twice.
    h.span("f", Otlp.span("f", "r1").sameSpanAs(watchdog).request());
    h.advance(Duration.ofSeconds(11));
    assertEquals(1, h.metric(inv("f", "other", "timeout")));
    assertEquals(0, h.metric(inv("f", "other", "success")));
  }

  @Test
  void platformTimeoutBeatsTheProvisionalRecordAtOnce() {
    withReports("f");
    h.span("f", Otlp.span("f", "r1").provisionalTimeout("stack").request());
    h.log("f", Otlp.report("f", "r1", "timeout", 3000, -1, 10, null));
    assertEquals(1, h.metric(inv("f", "other", "timeout")));
    assertEquals(3.0 + 0.001, h.metric("faas_invoke_duration_seconds_sum{function=\"f\"}"), 1e-9);
  }

  @Test
  void duplicatesAreCountedByKind() {
    h.span("f", Otlp.span("f", "a1").record("sqs", "m-1", 1).request());
    h.span("f", Otlp.span("f", "a2").record("sqs", "m-1", 2).request());
    h.span("f", Otlp.span("f", "b1").record("lambda", "req-9", -1).request());
    h.span("f", Otlp.span("f", "req-9").record("lambda", "req-9", -1).request());
    h.span("f", Otlp.span("f", "c1").record("eventbridge", "evt-1", -1).request());
    h.span("f", Otlp.span("f", "c2").record("eventbridge", "evt-1", -1).request());
    h.span("g", Otlp.span("g", "c3").record("eventbridge", "evt-1", -1).request());
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get("lambdascope_duplicates_total{function=\"f\",kind=\"redelivery\"}"));
    assertEquals(1, m.get("lambdascope_duplicates_total{function=\"f\",kind=\"retry\"}"));
    assertEquals(1, m.get("lambdascope_duplicates_total{function=\"f\",kind=\"replay\"}"));
    assertEquals(0.0, m.get("lambdascope_duplicates_total{function=\"g\",kind=\"replay\"}"), "other function: not a duplicate");
    assertEquals(6, m.get(inv("f", "other", "success")));
  }

  @Test
  void aSpanAbsorbedAfterAReportOnlyDecisionStillFeedsDuplicateDetection() {
    withReports("f");
    h.log("f", Otlp.report("f", "r1", "success", 10, -1, 10, null));
    h.advance(Duration.ofSeconds(11));
    h.span("f", Otlp.span("f", "r1").record("sqs", "m-1", 1).request());
    h.span("f", Otlp.span("f", "r2").record("sqs", "m-1", 2).request());
    h.log("f", Otlp.report("f", "r2", "success", 10, -1, 10, null));
    Map<String, Double> m = h.metrics();
    assertEquals(3, m.get(inv("f", "other", "success")), "warm-up, r1 once, r2");
    assertEquals(1, m.get("lambdascope_duplicates_total{function=\"f\",kind=\"redelivery\"}"));
  }

  @Test
  void theSameRecordConsumedTwiceCountsOnce() {
    byte[] record = Otlp.span("f", "a1").record("sqs", "m-1", 1).request();
    h.span("f", record);
    h.span("f", record);
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(inv("f", "other", "success")));
    assertEquals(0.0, m.get("lambdascope_duplicates_total{function=\"f\",kind=\"redelivery\"}"));
    assertEquals(0.0, m.get("lambdascope_duplicates_total{function=\"f\",kind=\"replay\"}"));
  }

  @Test
  void errorTypesBeyondTheLimitFoldIntoOther() {
    for (int i = 0; i < 6; i++) {
      h.span("f", Otlp.span("f", "e" + i).error("com.example.Error" + i).request());
    }
    h.span("f", Otlp.span("f", "again").error("com.example.Error0").request());
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get("faas_errors_total{error_type=\"com.example.Error0\",function=\"f\"}"));
    assertEquals(1, m.get("faas_errors_total{error_type=\"com.example.Error2\",function=\"f\"}"));
    assertEquals(3, m.get("faas_errors_total{error_type=\"other\",function=\"f\"}"));
    long series = m.keySet().stream().filter(k -> k.startsWith("faas_errors_total{")).count();
    assertEquals(4, series, "3 values + other");
    // Another function has its own budget.
    h.span("g", Otlp.span("g", "x").error("com.example.Error5").request());
    assertEquals(1, h.metric("faas_errors_total{error_type=\"com.example.Error5\",function=\"g\"}"));
  }

  @Test
  void functionsBeyondTheLimitAreReportedAsOther() {
    for (int i = 0; i < 6; i++) {
      h.span("fn" + i, Otlp.span("fn" + i, "r").request());
    }
    h.span("fn0", Otlp.span("fn0", "r2").request());
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get(inv("fn0", "other", "success")));
    assertEquals(1, m.get(inv("fn3", "other", "success")));
    assertNull(m.get(inv("fn4", "other", "success")));
    assertEquals(2, m.get(inv("other", "other", "success")), "fn4 and fn5");
    assertEquals(5, m.keySet().stream().filter(k -> k.startsWith("faas_invocations_total{"))
        .filter(k -> k.contains("outcome=\"success\"")).count());
    assertEquals(15, m.keySet().stream().filter(k -> k.startsWith("faas_invocations_total{")).count(),
        "each outcome of each (function, trigger) seen");
    assertNull(m.get("faas_timeouts_total{function=\"fn4\"}"), "folded into other, not known by its name");
    assertEquals(0.0, m.get("faas_timeouts_total{function=\"other\"}"));
  }

  @Test
  void longLabelValuesAreCut() {
    String longType = "x".repeat(300);
    h.span("f", Otlp.span("f", "e").error(longType).request());
    assertEquals(1, h.metric("faas_errors_total{error_type=\"" + "x".repeat(128) + "\",function=\"f\"}"));
  }

  @Test
  void unknownTriggersFoldIntoOther() {
    h.span("f", Otlp.span("f", "t1").trigger("carrier-pigeon").request());
    assertEquals(1, h.metric(inv("f", "other", "success")));
  }

  @Test
  void undecodableRecordsAreCountedAndSkipped() {
    h.span("f", "garbage".getBytes(StandardCharsets.UTF_8));
    h.log("f", new byte[] {(byte) 0xff, 0x01, 0x02});
    h.span("f", new byte[0]);
    h.span(null, Otlp.spans("", 0, Otlp.span("", "x").span()));
    h.log("f", Otlp.logs("f", io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
        .addAttributes(Otlp.str("event.name", "platform.report")).build()));
    h.span("f", Otlp.span("f", "ok").request());
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get("lambdascope_processor_decode_failures_total{reason=\"invalid_protobuf\",topic=\"otlp_spans\"}"));
    assertEquals(1, m.get("lambdascope_processor_decode_failures_total{reason=\"invalid_protobuf\",topic=\"otlp_logs\"}"));
    assertEquals(1, m.get("lambdascope_processor_decode_failures_total{reason=\"empty_value\",topic=\"otlp_spans\"}"));
    assertEquals(1, m.get("lambdascope_processor_decode_failures_total{reason=\"missing_function\",topic=\"otlp_spans\"}"));
    assertEquals(1, m.get("lambdascope_processor_decode_failures_total{reason=\"missing_invocation_id\",topic=\"otlp_logs\"}"));
    assertEquals(1, m.get(inv("f", "other", "success")), "the stream goes on");
    assertEquals(4, m.get("lambdascope_processor_records_total{topic=\"otlp_spans\"}"));
  }

  @Test
  void throttlesAndOtherPlatformEventsOfOtherKinds() {
    h.log("f", Otlp.throttle("f", "t1"));
    h.log("f", Otlp.throttle("f", "t2"));
    h.log("f", Otlp.startEvent("f", "s1"));
    assertEquals(2, h.metric("faas_throttles_total{function=\"f\"}"));
    assertEquals(0, h.metric(inv("f", "other", "success")));
  }

  /** Series of a function's counters without free-form labels (docs/telemetry.md section 4). */
  private static List<String> zeroFromTheStart(String fn) {
    String f = "{function=\"" + fn + "\"}";
    String d = "lambdascope_duplicates_total{function=\"" + fn + "\",kind=\"";
    return List.of("faas_coldstarts_total" + f, "faas_timeouts_total" + f, "faas_throttles_total" + f,
        "lambdascope_agent_dropped_spans_total" + f, d + "redelivery\"}", d + "retry\"}", d + "replay\"}");
  }

  @Test
  void countersAreShownAtZeroFromTheFunctionsFirstRecordSoTheFirstIncrementIsSeen() {
    assertTrue(h.metrics().keySet().stream().noneMatch(k -> k.contains("function=")), "nothing known yet");

    h.log("f", Otlp.startEvent("f", "s1"));
    Map<String, Double> m = h.metrics();
    for (String series : zeroFromTheStart("f")) {
      assertEquals(0.0, m.get(series), series + " after a platform event that counts nothing");
    }
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("faas_errors_total{")), "error_type is not known");
    assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("faas_invocations_total{")), "no trigger seen yet");

    h.span("f", Otlp.span("f", "r1").trigger("http").request());
    m = h.metrics();
    assertEquals(1.0, m.get(inv("f", "http", "success")));
    assertEquals(0.0, m.get(inv("f", "http", "error")));
    assertEquals(0.0, m.get(inv("f", "http", "timeout")));
    assertNull(m.get(inv("f", "other", "timeout")), "only triggers the function was seen with");

    // One of each: every series goes from 0 to 1.
    h.log("f", Otlp.throttle("f", "t1"));
    h.span("f", Otlp.span("f", "r2").trigger("http").cold(100).dropped(1).request());
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
    assertEquals(1.0, m.get(inv("f", "http", "timeout")));
    assertEquals(0.0, m.get(inv("f", "http", "error")));

    // A function first seen through a span has them as well.
    h.span("g", Otlp.span("g", "x").trigger("timer").request());
    m = h.metrics();
    for (String series : zeroFromTheStart("g")) {
      assertEquals(0.0, m.get(series), series);
    }
    assertEquals(0.0, m.get(inv("g", "timer", "error")));
  }

  @Test
  void findingsExplainWhatWasSeen() {
    for (int i = 0; i < 20; i++) {
      Otlp.SpanBuilder s = Otlp.span("slow", "s" + i).timeoutMs(1000).duration(i == 0 ? 950 : 100)
          .memory(i == 1 ? 500L << 20 : 100L << 20, 512L << 20);
      if (i < 5) {
        s.cold(900);
      }
      h.span("slow", s.request());
    }
    h.span("slow", Otlp.span("slow", "d1").record("sqs", "m", 1).request());
    h.span("slow", Otlp.span("slow", "d2").record("sqs", "m", 2).request());
    Map<String, Double> m = h.metrics();
    for (String kind : List.of("duration_near_timeout", "memory_near_limit", "duplicates_without_idempotency",
        "high_coldstart_ratio")) {
      assertEquals(1, m.get("lambdascope_finding{function=\"slow\",kind=\"" + kind + "\"}"), kind + " in " + m);
    }
    assertTrue(h.collector.findings().stream().anyMatch(f -> f.kind().equals("duration_near_timeout")
        && f.seen().startsWith("1 of 22 invocations") && f.change().contains("timeout")));
    // A healthy function has none.
    h.span("fine", Otlp.span("fine", "ok").request());
    assertTrue(h.collector.findings().stream().noneMatch(f -> f.function().equals("fine")));
  }
}
