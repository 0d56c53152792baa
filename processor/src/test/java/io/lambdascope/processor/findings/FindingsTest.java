package io.lambdascope.processor.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.topology.TopologyHarness;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Findings from what the stream counted over the window, on /metrics and /api/findings. */
class FindingsTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 4);

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
    h.span("slow", Otlp.span("slow", "d1").timeoutMs(1000).record("sqs", "m", 1).request());
    h.span("slow", Otlp.span("slow", "d2").timeoutMs(1000).record("sqs", "m", 2).request());
    Map<String, Double> m = h.metrics();
    for (String kind : List.of("duration_near_timeout", "memory_near_limit", "duplicates_without_idempotency",
        "high_coldstart_ratio")) {
      assertEquals(1, m.get(Series.of("lambdascope_finding", "slow", "kind", kind)), kind + " in " + m);
    }
    assertEquals(4, m.keySet().stream().filter(k -> k.startsWith("lambdascope_finding{")).count(), m.toString());
    Map<String, Finding> byKind = h.findings().stream().collect(Collectors.toMap(Finding::kind, f -> f));
    assertEquals(Set.of("duration_near_timeout", "memory_near_limit", "duplicates_without_idempotency",
        "high_coldstart_ratio"), byKind.keySet());
    Finding nearTimeout = byKind.get("duration_near_timeout");
    assertTrue(nearTimeout.seen().startsWith("1 of 22 invocations in the last 1 h ran to at least 80% of the 1 s timeout"),
        nearTimeout.seen());
    assertTrue(nearTimeout.change().contains("timeout"), nearTimeout.change());
    assertTrue(byKind.get("high_coldstart_ratio").seen().startsWith("5 of 22 invocations"),
        byKind.get("high_coldstart_ratio").seen());
    // A healthy function has none.
    h.span("fine", Otlp.span("fine", "ok").request());
    assertTrue(h.findings().stream().noneMatch(f -> f.function().equals("fine")));
  }
}
