package io.lambdascope.processor.dedup;

import static io.lambdascope.processor.topology.TopologyHarness.invocations;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.join.DecidedInvocation;
import io.lambdascope.processor.topology.TopologyHarness;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Repeated deliveries by dedup key, counted by kind, per function. */
class DuplicateDetectionTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 4);

  private static String duplicates(String function, String kind) {
    return Series.of("lambdascope_duplicates_total", function, "kind", kind);
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
    assertEquals(1, m.get(duplicates("f", "redelivery")));
    assertEquals(1, m.get(duplicates("f", "retry")));
    assertEquals(1, m.get(duplicates("f", "replay")));
    assertEquals(0.0, m.get(duplicates("g", "replay")), "other function: not a duplicate");
    assertEquals(6, m.get(invocations("f", "other", "success")));
    // /api/invocations names the kind on the repeat only.
    assertEquals(Arrays.asList(null, "redelivery", null, "retry", null, "replay", null),
        h.decided().stream().map(DecidedInvocation::duplicateKind).toList());
  }

  @Test
  void eachRepeatedRecordOfABatchCountsOnce() {
    h.span("f", Otlp.span("f", "a1").record("sqs", "m-1", 1).record("sqs", "m-2", 1).record("sqs", "m-3", 1).request());
    h.span("f", Otlp.span("f", "a2").record("sqs", "m-1", 2).record("sqs", "m-2", 2).record("sqs", "m-4", 1).request());
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get(duplicates("f", "redelivery")), "m-1 and m-2 again; m-4 is new");
    assertEquals(2, m.get(invocations("f", "other", "success")));
  }

  @Test
  void aSpanAbsorbedAfterAReportOnlyDecisionStillFeedsDuplicateDetection() {
    h.teachReports("f");
    h.log("f", Otlp.report("f", "r1", "success", 10, -1, 10, null));
    h.advance(Duration.ofSeconds(11));
    h.span("f", Otlp.span("f", "r1").record("sqs", "m-1", 1).request());
    h.span("f", Otlp.span("f", "r2").record("sqs", "m-1", 2).request());
    h.log("f", Otlp.report("f", "r2", "success", 10, -1, 10, null));
    Map<String, Double> m = h.metrics();
    assertEquals(3, m.get(invocations("f", "other", "success")), "warm-up, r1 once, r2");
    assertEquals(1, m.get(duplicates("f", "redelivery")));
    assertEquals(List.of("warmup", "r1", "r2"), h.decided().stream().map(DecidedInvocation::invocationId).toList());
  }
}
