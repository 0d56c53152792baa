package io.lambdascope.processor.state;

import static io.lambdascope.processor.topology.TopologyHarness.invocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.topology.TopologyHarness;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A function not seen for the function TTL leaves the stores and /metrics, and its slot is free again. */
class FunctionExpiryTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 2).functionTtl(Duration.ofHours(1));

  private static final Otlp.Identity OTHER = new Otlp.Identity("default", "other", "other", "other", null, null);

  @Test
  void aFunctionNotSeenForTheTtlIsForgottenAndItsSlotReused() {
    h.span("fn0", Otlp.span("fn0", "a").error("E").request());
    h.span("fn1", Otlp.span("fn1", "b").request());
    h.span("fn2", Otlp.span("fn2", "c").request()); // past the bound of 2: its tenant's other
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(Series.of("faas_invocations_total", OTHER, "trigger", "other", "outcome", "success")));
    assertEquals(1, m.get(Series.plain("lambdascope_processor_folded_total", "kind", "function")));

    h.advance(Duration.ofMinutes(30));
    h.span("fn0", Otlp.span("fn0", "a2").request());
    h.advance(Duration.ofMinutes(40));
    m = h.metrics();
    assertEquals(2, m.get(invocations("fn0", "other", "success")) + m.get(invocations("fn0", "other", "error")),
        "seen 40 minutes ago: kept, with its series");
    assertEquals(1, m.get(Series.of("faas_errors_total", "fn0", "error_type", "E", "faas_version", "$LATEST")));
    assertTrue(m.keySet().stream().noneMatch(k -> k.contains("function=\"fn1\"")), "fn1 forgotten: " + m);
    assertTrue(m.keySet().stream().noneMatch(k -> k.contains("function=\"other\"")), "other forgotten too: " + m);
    assertEquals(Set.of(new FunctionId(Otlp.TENANT, Otlp.ACCOUNT, Otlp.REGION, "fn0")), h.functions().keySet());

    // fn1's slot is free: a new function is counted under its own name.
    h.span("fn3", Otlp.span("fn3", "d").request());
    m = h.metrics();
    assertEquals(1, m.get(invocations("fn3", "other", "success")));
    assertEquals(1, m.get(Series.plain("lambdascope_processor_folded_total", "kind", "function")), "nothing folded");
    // fn1 comes back: the bound is full again (fn0, fn3), so it is folded.
    h.span("fn1", Otlp.span("fn1", "b2").request());
    m = h.metrics();
    assertEquals(1, m.get(Series.of("faas_invocations_total", OTHER, "trigger", "other", "outcome", "success")),
        "the bound is full again (fn0, fn3): fn1 is folded");
  }
}
