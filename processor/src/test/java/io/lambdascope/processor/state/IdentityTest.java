package io.lambdascope.processor.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lambdascope.processor.Otlp;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.topology.TopologyHarness;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A function is its tenant, account, region and name: never one series or one state entry for two of them. */
class IdentityTest {
  @RegisterExtension final TopologyHarness h = new TopologyHarness(3, 10);

  private static final Otlp.Identity ACME = Otlp.Identity.of("orders-api").tenant("acme");
  private static final Otlp.Identity GLOBEX = Otlp.Identity.of("orders-api").tenant("globex");

  @Test
  void twoTenantsWithTheSameAccountRegionAndNameNeverShareASeriesOrAnEntry() {
    h.span(ACME.function(), Otlp.span(ACME, "a1").trigger("http").request());
    h.span(ACME.function(), Otlp.span(ACME, "a2").trigger("http").error("E").request());
    h.span(GLOBEX.function(), Otlp.span(GLOBEX, "g1").trigger("http").request());
    // The same request id under both tenants: two invocations, no duplicate.
    h.span(ACME.function(), Otlp.span(ACME, "same").trigger("http").record("lambda", "same", -1).request());
    h.span(GLOBEX.function(), Otlp.span(GLOBEX, "same").trigger("http").record("lambda", "same", -1).request());
    Map<String, Double> m = h.metrics();
    assertEquals(2, m.get(Series.of("faas_invocations_total", ACME, "trigger", "http", "outcome", "success")));
    assertEquals(1, m.get(Series.of("faas_invocations_total", ACME, "trigger", "http", "outcome", "error")));
    assertEquals(2, m.get(Series.of("faas_invocations_total", GLOBEX, "trigger", "http", "outcome", "success")));
    assertEquals(0, m.get(Series.of("faas_invocations_total", GLOBEX, "trigger", "http", "outcome", "error")));
    assertEquals(0, m.get(Series.of("lambdascope_duplicates_total", GLOBEX, "kind", "retry")));
    assertEquals(0, m.get(Series.of("lambdascope_duplicates_total", ACME, "kind", "retry")));
    assertEquals(Set.of(new FunctionId("acme", Otlp.ACCOUNT, Otlp.REGION, "orders-api"),
        new FunctionId("globex", Otlp.ACCOUNT, Otlp.REGION, "orders-api")), h.functions().keySet());
  }

  @Test
  void spansAndReportsOfOneFunctionJoinWhetherTheAccountComesFromTheResourceOrTheArn() {
    // The agent's span names the account in its ARN; the collector writes the report with cloud.account.id.
    h.teachReports("f");
    h.span("f", Otlp.span("f", "r1").trigger("pubsub").request());
    h.log("f", Otlp.report("f", "r1").status("error").errorType("Runtime.ExitError").request());
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(Series.of("faas_invocations_total", "f", "trigger", "pubsub", "outcome", "error")));
    assertEquals(1, h.functions().size(), h.functions().keySet().toString());
  }

  @Test
  void aRecordWithoutAccountOrRegionJoinsTheOneFunctionItCouldBe() {
    Otlp.Identity bare = Otlp.Identity.of("f").account("").region("");
    h.span("f", Otlp.span("f", "r0").request());
    h.log("f", Otlp.report(bare, "r0").billed(30).request());
    h.span("f", Otlp.span("f", "r1").trigger("http").request());
    h.log("f", Otlp.report(bare, "r1").status("error").errorType("Runtime.ExitError").request());
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(Series.invocations("f", "other", "success")));
    assertEquals(1, m.get(Series.invocations("f", "http", "error")), "its span and report met");
    assertEquals(0.030 + 0.010, m.get(Series.of("lambdascope_billed_duration_seconds_total", "f")), 1e-9, "r0 and r1");
    assertEquals(Set.of(new FunctionId(Otlp.TENANT, Otlp.ACCOUNT, Otlp.REGION, "f")), h.functions().keySet());

    // Two regions of g: a report that could be either is counted as it is.
    h.span("g", Otlp.span(Otlp.Identity.of("g"), "a").request());
    h.span("g", Otlp.span(Otlp.Identity.of("g").region("eu-west-1"), "b").request());
    h.log("g", Otlp.report(Otlp.Identity.of("g").account("").region(""), "c").request());
    Otlp.Identity unknown = new Otlp.Identity("default", "unknown", "unknown", "g", null, null);
    assertEquals(1, h.metrics().get(Series.of("faas_invocations_total", unknown, "trigger", "other", "outcome", "success")));
  }

  @Test
  void theAccountAndRegionAreUnknownWhenNothingSaysThem() {
    Otlp.Identity noRegion = Otlp.Identity.of("bare").region("");
    h.span("bare", Otlp.span(noRegion, "b1").noArn().request());
    Otlp.Identity unknown = new Otlp.Identity("default", "unknown", "unknown", "bare", null, null);
    assertEquals(1, h.metrics().get(Series.of("faas_invocations_total", unknown, "trigger", "other", "outcome", "success")));
    // The ARN gives both when the resource has neither.
    h.span("bare", Otlp.span(noRegion, "b2").arn("arn:aws:lambda:eu-west-1:210987654321:function:bare:live").request());
    Otlp.Identity fromArn = new Otlp.Identity("default", "210987654321", "eu-west-1", "bare", null, null);
    assertEquals(1, h.metrics().get(Series.of("faas_invocations_total", fromArn, "trigger", "other", "outcome", "success")));
  }

  @Test
  void versionsOnErrorsAreBoundedPerFunctionLikeOtherLabelValues() {
    for (int v = 1; v <= 5; v++) {
      Otlp.Identity who = Otlp.Identity.of("f").version(Integer.toString(v));
      h.span("f", Otlp.span(who, "e" + v).error("E").request());
    }
    Map<String, Double> m = h.metrics();
    assertEquals(1, m.get(Series.of("faas_errors_total", "f", "error_type", "E", "faas_version", "3")));
    assertNull(m.get(Series.of("faas_errors_total", "f", "error_type", "E", "faas_version", "4")));
    assertEquals(2, m.get(Series.of("faas_errors_total", "f", "error_type", "E", "faas_version", "other")));
    // Only errors carry the version: every other series is one per function.
    assertEquals(0, m.keySet().stream().filter(k -> !k.startsWith("faas_errors_total") && k.contains("faas_version"))
        .count(), m.toString());
  }
}
