package io.lambdascope.dashboard.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdascope.alerts.AlertRules;
import io.lambdascope.dashboard.DashboardFiles;
import io.lambdascope.dashboard.testing.DashboardExpressions;
import io.lambdascope.dashboard.testing.PanelExpression;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every metric and label that a dashboard or an alert rule queries is one docs/telemetry.md
 * promises (sections 4 to 6), or one the project's recording rules record from them, so the
 * processor, collector and CloudWatch exporter, written against the same contract, feed them.
 */
class ContractTest {

  private static final TelemetryContract DOCUMENTED = TelemetryContract.read(DashboardFiles.TELEMETRY_MD);
  private static final TelemetryContract CONTRACT = withProjectRecordingRules(DOCUMENTED);
  private static final ContractChecker CHECKER = new ContractChecker(CONTRACT);

  /** The contract plus the series of alerts/rules' recording rules, in the order Prometheus can record them. */
  static TelemetryContract withProjectRecordingRules(TelemetryContract contract) {
    return contract.withRecordingRules(projectRecordingRules(), (c, expr) -> new ContractChecker(c).resultLabels(expr));
  }

  /** The expression of each recording rule of alerts/rules, by the series it records, in file order. */
  private static Map<String, String> projectRecordingRules() {
    Map<String, String> records = new LinkedHashMap<>();
    for (String file : AlertRules.RULE_FILES) {
      for (JsonNode group : DashboardFiles.yaml(DashboardFiles.ALERTS_DIR.resolve("rules").resolve(file)).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          if (rule.hasNonNull("record")) {
            records.put(rule.path("record").asText(), rule.path("expr").asText());
          }
        }
      }
    }
    return records;
  }

  @Test
  void contractListsProcessorAndCollectorMetricsWithTheirLabels() {
    // A processor counter, histogram series and gauge, a collector counter and histogram, and Prometheus's own:
    // each with the scrape target's job and instance.
    Map<String, Set<String>> expected = Map.of(
        "faas_invocations_total", Set.of("job", "instance", "tenant", "cloud_account_id", "cloud_region", "function", "trigger",
            "outcome"),
        "faas_invoke_duration_seconds_bucket", Set.of("job", "instance", "tenant", "cloud_account_id", "cloud_region", "function",
            "le"),
        "faas_invoke_duration_seconds_count", Set.of("job", "instance", "tenant", "cloud_account_id", "cloud_region", "function"),
        "lambdascope_dlq_messages", Set.of("job", "instance", "cloud_account_id", "cloud_region", "queue", "source_queue",
            "function"),
        "lambdascope_collector_rejected_total", Set.of("job", "instance", "signal", "reason"),
        "lambdascope_collector_kafka_send_seconds_bucket", Set.of("job", "instance", "signal", "le"),
        "lambdascope_collector_inflight_bytes", Set.of("job", "instance"),
        "up", Set.of("job", "instance"));
    expected.forEach((metric, labels) -> assertEquals(Optional.of(labels), CONTRACT.labels(metric), metric));
    assertEquals(Optional.of(TelemetryContract.ANY), CONTRACT.labels("ALERTS"), "ALERTS carries each alert's labels");
    assertEquals(Optional.empty(), CONTRACT.labels("faas_invoke_duration_seconds"), "a histogram is its series");
    assertEquals(List.of("0.25", "0.5", "0.8", "0.9", "1"), CONTRACT.buckets("lambdascope_duration_timeout_ratio"));
    assertEquals(List.of("0.5", "0.7", "0.8", "0.9", "0.95", "1"), CONTRACT.buckets("lambdascope_memory_limit_ratio"));
  }

  @Test
  void recordedSeriesCarryTheLabelsOfTheirExpressions() {
    Set<String> function = Set.of("tenant", "cloud_account_id", "cloud_region", "function");
    assertEquals(Optional.of(function), CONTRACT.labels("function:faas_timeouts:increase10m"));
    assertEquals(Optional.of(Set.of("tenant", "cloud_account_id", "cloud_region", "function", "kind")),
        CONTRACT.labels("function_kind:lambdascope_agent_dropped:increase10m"), "label_replace adds kind");
    assertEquals(Optional.of(function), CONTRACT.labels("function:faas_errors:ratio10m"));
    assertEquals(Optional.of(Set.of("cloud_account_id", "cloud_region", "queue", "source_queue", "function")),
        CONTRACT.labels("queue:lambdascope_dlq_messages:delta10m"));
    assertFalse(CONTRACT.metricNames().contains("function:faas_timeouts:increase10m"), "recorded series are not scraped");
  }

  @TestFactory
  Stream<DynamicTest> dashboardExpressionsFollowTheContract() {
    return DashboardExpressions.builder().build().list().stream().map(e ->
        DynamicTest.dynamicTest(e.where(), () -> assertEquals(List.of(), CHECKER.check(e.expr()), e.where() + ": " + e.rawExpr())));
  }

  @TestFactory
  Stream<DynamicTest> alertRuleExpressionsFollowTheContract() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : DashboardFiles.list(DashboardFiles.ALERTS_DIR.resolve("rules"), ".yml")) {
      assertTrue(AlertRules.RULE_FILES.contains(file.getFileName().toString()), file + " is not in AlertRules.RULE_FILES");
      for (JsonNode group : DashboardFiles.yaml(file).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          String name = rule.path("alert").asText(rule.path("record").asText());
          String expr = rule.path("expr").asText();
          tests.add(DynamicTest.dynamicTest(file.getFileName() + " " + name,
              () -> assertEquals(List.of(), CHECKER.check(expr), name + ": " + expr)));
        }
      }
    }
    assertFalse(tests.isEmpty(), "no alert rules found under " + DashboardFiles.ALERTS_DIR);
    return tests.stream();
  }

  @Test
  void everyContractMetricIsOnADashboard() {
    String all = String.join("\n", DashboardExpressions.builder().build().list().stream().map(PanelExpression::expr).toList());
    // A metric read through a recording rule a dashboard shows is shown (faas_throttles_total through
    // function:faas_throttles:increase10m).
    Map<String, String> records = projectRecordingRules();
    for (boolean more = true; more; ) {
      more = false;
      for (Map.Entry<String, String> r : records.entrySet()) {
        if (all.contains(r.getKey()) && !all.contains(r.getValue())) {
          all = all + "\n" + r.getValue();
          more = true;
        }
      }
    }
    String shown = all;
    // The CloudWatch exporter's series reach dashboards through the recording rules (function:faas_*), and
    // some of them are there for users' own panels.
    List<String> missing = CONTRACT.metricNames().stream()
        .filter(m -> !m.equals("ALERTS") && !m.endsWith("_sum") && !m.endsWith("_count"))
        .filter(m -> !CONTRACT.cloudWatchMetricNames().contains(m))
        .filter(m -> !shown.contains(m))
        .toList();
    assertEquals(List.of(), missing, "contract metrics no dashboard shows");
  }
}
