package io.lambdascope.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdascope.alerts.RuleRenderer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The threshold lines and colours of the dashboards are the alerts' own (alerts/config.properties):
 * a panel that shows what an alert watches draws the line where the alert fires.
 */
class DashboardThresholdsTest {

  private static final Map<String, String> CONFIG = RuleRenderer.defaults().config();

  /** Panel title (on any dashboard) and the setting its threshold step is. */
  private static final List<String[]> THRESHOLDS = List.of(
      new String[] {"Error rate", "LambdaFunctionErrorRateHigh.threshold"},
      new String[] {"Error ratio by function", "LambdaFunctionErrorRateHigh.threshold"},
      new String[] {"Error and timeout ratio", "LambdaFunctionErrorRateHigh.threshold"},
      new String[] {"Error and timeout ratio", "LambdaFunctionTimeoutRateHigh.threshold"},
      new String[] {"Failure rate", "LambdaFunctionErrorRateHigh.threshold"},
      new String[] {"On-demand cold-start ratio", "LambdaFunctionColdStartRatioHigh.threshold"},
      new String[] {"On-demand cold-start ratio by function", "LambdaFunctionColdStartRatioHigh.threshold"},
      new String[] {"On-demand cold starts", "LambdaFunctionColdStartRatioHigh.threshold"},
      new String[] {"Near timeout", "LambdaFunctionDurationNearTimeout.threshold"},
      new String[] {"Invocations near the timeout", "LambdaFunctionDurationNearTimeout.threshold"},
      new String[] {"Invocations near the timeout by function", "LambdaFunctionDurationNearTimeout.threshold"},
      new String[] {"Near memory limit", "LambdaFunctionMemoryNearLimit.threshold"},
      new String[] {"Invocations near the memory limit", "LambdaFunctionMemoryNearLimit.threshold"},
      new String[] {"Platform throttles", "LambdaFunctionThrottled.threshold"},
      new String[] {"Reserved concurrency in use", "LambdaFunctionNearReservedConcurrency.threshold"},
      new String[] {"DLQ growth", "LambdaDeadLetterQueueGrowing.threshold"},
      new String[] {"DLQ oldest message age", "LambdaDeadLetterQueueOldestMessageOld.threshold"},
      new String[] {"Processor lag", "LambdascopeProcessorLagHigh.threshold"},
      new String[] {"DLQ watcher: time since last read", "LambdascopeDeadLetterQueueWatcherStale.threshold"},
      new String[] {"Agent dropped spans and events", "LambdascopeAgentDroppingTelemetry.threshold"});

  /** Panel title, target and the ratio setting its line is drawn at ({@code <ratio> * limit}) or read off ({@code le}). */
  private static final List<String[]> RATIOS = List.of(
      new String[] {"Duration vs timeout", "D", "LambdaFunctionDurationNearTimeout.ratio"},
      new String[] {"Memory vs limit", "C", "LambdaFunctionMemoryNearLimit.ratio"},
      new String[] {"Near timeout", "A", "LambdaFunctionDurationNearTimeout.ratio"},
      new String[] {"Near memory limit", "A", "LambdaFunctionMemoryNearLimit.ratio"},
      new String[] {"Worst functions", "G", "LambdaFunctionDurationNearTimeout.ratio"},
      new String[] {"Worst functions", "H", "LambdaFunctionMemoryNearLimit.ratio"});

  @TestFactory
  Stream<DynamicTest> thresholdsAreTheAlerts() {
    return THRESHOLDS.stream().map(t -> DynamicTest.dynamicTest(t[0] + " = " + t[1], () -> {
      List<JsonNode> panels = panels(t[0], true);
      double expected = Double.parseDouble(CONFIG.get(t[1]));
      for (JsonNode panel : panels) {
        List<Double> steps = new ArrayList<>();
        panel.findValues("steps").forEach(list -> list.forEach(s -> {
          if (s.path("value").isNumber()) {
            steps.add(s.path("value").asDouble());
          }
        }));
        assertTrue(steps.contains(expected), t[0] + ": a threshold step at " + expected + " (" + t[1] + "), found " + steps);
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> linesAreDrawnAtTheAlertsRatios() {
    return RATIOS.stream().map(t -> DynamicTest.dynamicTest(t[0] + " " + t[1] + " = " + t[2], () -> {
      String ratio = CONFIG.get(t[2]);
      for (JsonNode panel : panels(t[0], false)) {
        String expr = target(panel, t[1]).path("expr").asText();
        assertTrue(expr.startsWith(ratio + " * ") || expr.contains("le=\"" + ratio + "\""),
            t[0] + " " + t[1] + " must be drawn at or read off " + ratio + " (" + t[2] + "): " + expr);
      }
    }));
  }

  @Test
  void timeSeriesWithAThresholdDrawItAsALine() {
    List<String> withoutLine = new ArrayList<>();
    for (Path file : DashboardFiles.dashboardFiles()) {
      for (JsonNode panel : DashboardFiles.panels(DashboardFiles.json(file))) {
        JsonNode defaults = panel.path("fieldConfig").path("defaults");
        boolean hasThreshold = defaults.path("thresholds").path("steps").size() > 1;
        if ("timeseries".equals(panel.path("type").asText()) && hasThreshold
            && !"dashed".equals(defaults.path("custom").path("thresholdsStyle").path("mode").asText())) {
          withoutLine.add(file.getFileName() + " " + panel.path("title").asText());
        }
      }
    }
    assertEquals(List.of(), withoutLine, "time series with a threshold that do not draw it");
  }

  /** The panels titled {@code title} on any dashboard, and with {@code columns} the table columns so named. */
  private static List<JsonNode> panels(String title, boolean columns) {
    List<JsonNode> found = new ArrayList<>();
    for (Path file : DashboardFiles.dashboardFiles()) {
      DashboardFiles.panels(DashboardFiles.json(file)).stream().filter(p -> title.equals(p.path("title").asText())).forEach(found::add);
      // Table columns are titled by their target's legend.
      DashboardFiles.panels(DashboardFiles.json(file)).stream()
          .filter(p -> columns)
          .filter(p -> "table".equals(p.path("type").asText()))
          .filter(p -> p.path("targets").findValuesAsText("legendFormat").contains(title) && !title.equals(p.path("title").asText()))
          .forEach(p -> found.add(column(p, title)));
    }
    assertFalse(found.isEmpty(), "no panel or table column titled " + title);
    return found;
  }

  /** A table's column as a panel of its own: the override that renames and colours it. */
  private static JsonNode column(JsonNode table, String name) {
    for (JsonNode override : table.path("fieldConfig").path("overrides")) {
      if (name.equals(override.path("matcher").path("options").asText())) {
        return override;
      }
    }
    throw new AssertionError(table.path("title").asText() + ": no override for column " + name);
  }

  private static JsonNode target(JsonNode panel, String refId) {
    for (JsonNode target : panel.path("targets")) {
      if (refId.equals(target.path("refId").asText())) {
        return target;
      }
    }
    throw new AssertionError(panel.path("title").asText() + ": no target " + refId);
  }
}
