package io.lambdascope.dashboard.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker finds what it is meant to find (and the parser reads what the dashboards write). */
class ContractCheckerTest {

  private static final TelemetryContract CONTRACT = TelemetryContract.parse(String.join("\n",
      "## 4. Processor metrics",
      "| metric | type | labels | meaning |",
      "|---|---|---|---|",
      "| `faas_invocations_total` | counter | `function`, `trigger`, `outcome` | invocations |",
      "| `faas_timeout_seconds` | gauge | `function` | configured timeout |",
      "| `faas_invoke_duration_seconds` | histogram | `function` | duration |",
      "| `lambdascope_processor_lag_records` | gauge | `topic` | lag |",
      "## 5. Collector metrics",
      "| `lambdascope_collector_inflight_bytes` | gauge | | bytes |",
      "## 6. CloudWatch exporter",
      "| `aws_lambda_throttles_sum` | gauge | `function_name`, `tenant` | throttles |",
      "## 7. Something else",
      "| `not_a_metric_here` | gauge | `x` | ignored |"));
  private static final ContractChecker CHECKER = new ContractChecker(CONTRACT);

  @Test
  void acceptsWhatTheDashboardsWrite() {
    for (String ok : List.of(
        "sum by (function) (rate(faas_invocations_total{outcome=\"error\", function=~\".*\"}[1m]))",
        "histogram_quantile(0.99, sum by (function, le) (rate(faas_invoke_duration_seconds_bucket[5m]))) / on (function) max by (function) (faas_timeout_seconds) > 0.8",
        "sort_desc(sum by (function) (increase(faas_invocations_total[1h])) > 0)",
        "max by (topic) (lambdascope_processor_lag_records) > 10000",
        "sum by (instance) (lambdascope_collector_inflight_bytes)",
        "up{job=~\"lambdascope-.*\"} == 0",
        "ALERTS{alertstate=\"firing\", function=~\".*\"}",
        "group by (function) (faas_invocations_total)",
        "sum(rate(faas_invocations_total[1m])) / sum(rate(faas_invocations_total[1m]))",
        "-1 * sum without (trigger) (faas_invocations_total offset 5m) ^ 2")) {
      assertEquals(List.of(), CHECKER.check(ok), ok);
    }
  }

  @Test
  void readsTheCloudWatchExportersMetricsApart() {
    assertEquals(java.util.Set.of("aws_lambda_throttles_sum"), CONTRACT.cloudWatchMetricNames());
    assertEquals(List.of(), CHECKER.check("max by (tenant) (aws_lambda_throttles_sum{function_name=\"f\"})"));
  }

  @Test
  void reportsUnknownMetrics() {
    assertProblem("sum(rate(faas_invocation_total[1m]))", "metric faas_invocation_total is not in");
    assertProblem("not_a_metric_here", "metric not_a_metric_here is not in");
    assertProblem("faas_invoke_duration_seconds", "metric faas_invoke_duration_seconds is not in");
  }

  @Test
  void reportsUnknownLabels() {
    assertProblem("faas_invocations_total{queue=\"q\"}", "matcher on label queue");
    assertProblem("sum by (error_type) (rate(faas_invocations_total[1m]))", "sum by (error_type)");
    assertProblem("sum by (outcome) (sum by (function) (faas_invocations_total))", "sum by (outcome)");
    assertProblem("histogram_quantile(0.9, sum by (function) (rate(faas_invoke_duration_seconds_bucket[1m])))", "without le");
    assertProblem("sum by (trigger) (faas_invocations_total) / on (trigger) faas_timeout_seconds", "on (trigger)");
    assertProblem("sum by (function) (faas_invocations_total) / on (function) group_left (topic) faas_timeout_seconds", "group_left (topic)");
    assertProblem("max by (function) (lambdascope_processor_lag_records)", "max by (function)");
  }

  @Test
  void refusesBrokenSyntax() {
    assertThrows(IllegalArgumentException.class, () -> Promql.parse("sum by (function (x)"));
    assertThrows(IllegalArgumentException.class, () -> Promql.parse("rate(x[5m]"));
    assertThrows(IllegalArgumentException.class, () -> Promql.parse("x{a=\"b}"));
  }

  private static void assertProblem(String expr, String expected) {
    List<String> problems = CHECKER.check(expr);
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), expr + ": expected a problem containing '" + expected + "', got " + problems);
  }
}
